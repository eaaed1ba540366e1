import type { CancelTimer, Clock, VirtualClock } from '../core/index.js';

/** A view of a shared clock whose timers can all be dropped at once. */
export interface ClockPort extends Clock {
  /** Cancels every timer scheduled through this port; later schedules are ignored. */
  detach(): void;
}

/**
 * Gives one engine incarnation its own door to the shared virtual clock, so
 * that a simulated crash can take all of that incarnation's timers with it.
 */
export function clockPort(clock: VirtualClock): ClockPort {
  const pending = new Set<CancelTimer>();
  let detached = false;
  return {
    now: () => clock.now(),
    schedule(at, callback) {
      if (detached) return () => undefined;
      const cancel = clock.schedule(at, () => {
        pending.delete(cancel);
        if (!detached) callback();
      });
      pending.add(cancel);
      return () => {
        pending.delete(cancel);
        cancel();
      };
    },
    detach() {
      detached = true;
      for (const cancel of pending) cancel();
      pending.clear();
    },
  };
}
