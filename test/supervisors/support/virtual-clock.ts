import type { SupervisorClock } from 'aion-ts/supervisors';

/** A clock whose time moves only when told; due callbacks fire in (deadline, schedule) order. */
export interface TestClock extends SupervisorClock {
  advance(ms: number): void;
  pending(): number;
}

interface Timer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
}

/** Creates a {@link TestClock} starting at `start`. */
export function testClock(start = 0): TestClock {
  let time = start;
  let order = 0;
  const timers = new Set<Timer>();
  const nextDue = (until: number): Timer | undefined => {
    let best: Timer | undefined;
    for (const t of timers) {
      if (t.at > until) continue;
      if (best === undefined || t.at < best.at || (t.at === best.at && t.order < best.order))
        best = t;
    }
    return best;
  };
  return {
    now: () => time,
    schedule(at, callback) {
      const timer: Timer = { at, order: order++, callback };
      timers.add(timer);
      return () => {
        timers.delete(timer);
      };
    },
    advance(ms) {
      const until = time + ms;
      for (let t = nextDue(until); t !== undefined; t = nextDue(until)) {
        timers.delete(t);
        time = Math.max(time, t.at);
        t.callback();
      }
      time = until;
    },
    pending: () => timers.size,
  };
}
