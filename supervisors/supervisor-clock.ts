/**
 * Cancels a callback scheduled on a {@link SupervisorClock}. Idempotent.
 *
 * @example
 * ```ts
 * const cancel: CancelScheduled = clock.schedule(clock.now() + 100, () => undefined);
 * cancel();
 * ```
 */
export type CancelScheduled = () => void;

/**
 * The supervisor's only source of time: restart-intensity windows, restart
 * backoff and shutdown timeouts all read it. Inject a virtual clock in tests;
 * it is structurally the same as the engine's `Clock`, so the engine can pass
 * its own.
 *
 * @example
 * ```ts
 * import { createSupervisor, type SupervisorClock } from 'aion-ts/supervisors';
 *
 * const clock: SupervisorClock = {
 *   now: () => Date.now(),
 *   schedule: (at, callback) => {
 *     const handle = setTimeout(callback, Math.max(0, at - Date.now()));
 *     return () => clearTimeout(handle);
 *   },
 * };
 * createSupervisor({ id: 'root', clock, children: [] });
 * ```
 */
export interface SupervisorClock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `callback` once when `now() >= at`; returns a canceller. */
  schedule(at: number, callback: () => void): CancelScheduled;
}

// setTimeout takes at most 2^31 - 1 ms (about 24.8 days); a longer delay
// would fire at once, so a far deadline is reached in steps.
const MAX_TIMEOUT_MS = 2_147_483_647;

/**
 * The wall clock: `Date.now()` and `setTimeout`. Timers are not `unref`'d: a
 * restart waiting for its backoff is pending work and keeps the process
 * alive, like any other timer.
 *
 * @returns A {@link SupervisorClock} reading real time.
 * @example
 * ```ts
 * import { wallClock } from 'aion-ts/supervisors';
 *
 * const cancel = wallClock().schedule(Date.now() + 10, () => console.log('tick'));
 * cancel();
 * ```
 */
export function wallClock(): SupervisorClock {
  return {
    now: () => Date.now(),
    schedule(at, callback) {
      // setTimeout may fire a millisecond before Date.now() reaches `at`;
      // wait the rest, so callbacks always see now() >= at.
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
