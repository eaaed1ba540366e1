/** Cancels a timer scheduled on a {@link Clock}. Idempotent. */
export type CancelTimer = () => void;

/**
 * The engine's only source of time. Injected everywhere so that tests run on
 * virtual time and replay never reads the wall clock.
 */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once when `now() >= at`. */
  schedule(at: number, callback: () => void): CancelTimer;
}

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a longer delay
// would fire at once, so a far deadline is reached in steps.
const MAX_TIMEOUT_MS = 2_147_483_647;

/** The wall clock: `Date.now()` and `setTimeout`. */
export function systemClock(): Clock {
  return {
    now: () => Date.now(),
    schedule(at, callback) {
      // Referenced on purpose: a process awaiting a sleeping run must stay
      // alive until the timer fires or the engine is closed. A timeout may
      // fire a millisecond before Date.now() reaches `at` (it runs on a
      // monotonic clock): wait the rest, so `now() >= at` always holds.
      let handle: ReturnType<typeof setTimeout>;
      const arm = (): void => {
        handle = setTimeout(
          () => {
            if (Date.now() < at) arm();
            else callback();
          },
          Math.min(MAX_TIMEOUT_MS, Math.max(0, at - Date.now())),
        );
      };
      arm();
      return () => clearTimeout(handle);
    },
  };
}

interface VirtualTimer {
  readonly at: number;
  readonly order: number;
  readonly callback: () => void;
  cancelled: boolean;
}

/**
 * A clock whose time moves only when told; timers fire in deadline order.
 * A timer scheduled at or before `now()` is due already and fires on the
 * next turn of the event loop.
 */
export interface VirtualClock extends Clock {
  /** Moves time forward by `ms`, firing every timer due on the way, in order. */
  advance(ms: number): void;
  /** Moves time to `at` (never backwards), firing due timers in order. */
  advanceTo(at: number): void;
  /** The earliest pending deadline, if any. */
  nextDeadline(): number | undefined;
  /** How many timers are pending. */
  pending(): number;
}

/**
 * Creates a {@link VirtualClock} starting at `start` (epoch ms).
 *
 * @example
 * ```ts
 * const clock = virtualClock(0);
 * clock.schedule(1000, () => console.log('fired'));
 * clock.advance(1000); // logs 'fired'
 * ```
 */
export function virtualClock(start = 0): VirtualClock {
  let time = start;
  let order = 0;
  const timers: VirtualTimer[] = [];

  const takeDue = (until: number): VirtualTimer | undefined => {
    let best = -1;
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i];
      if (t === undefined || t.cancelled || t.at > until) continue;
      const b = timers[best];
      if (b === undefined || t.at < b.at || (t.at === b.at && t.order < b.order)) best = i;
    }
    if (best < 0) return undefined;
    return timers.splice(best, 1)[0];
  };

  const advanceTo = (at: number): void => {
    for (let t = takeDue(at); t !== undefined; t = takeDue(at)) {
      time = Math.max(time, t.at);
      t.callback();
    }
    time = Math.max(time, at);
  };

  return {
    now: () => time,
    schedule(at, callback) {
      const timer: VirtualTimer = { at, order: order++, callback, cancelled: false };
      timers.push(timer);
      if (at <= time) {
        // Already due: fire on the next turn, as the system clock would,
        // unless an advance fires it first. Otherwise a deadline armed just
        // after an advance (an async re-arm) would wait for the next one.
        setImmediate(() => {
          const i = timers.indexOf(timer);
          if (i < 0 || timer.cancelled) return;
          timers.splice(i, 1);
          timer.callback();
        });
      }
      return () => {
        timer.cancelled = true;
        const i = timers.indexOf(timer);
        if (i >= 0) timers.splice(i, 1);
      };
    },
    advance: (ms) => advanceTo(time + ms),
    advanceTo,
    nextDeadline() {
      let next: number | undefined;
      for (const t of timers) if (!t.cancelled && (next === undefined || t.at < next)) next = t.at;
      return next;
    },
    pending: () => timers.length,
  };
}
