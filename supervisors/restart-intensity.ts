import type { Intensity } from './supervisor-spec.js';

/**
 * The restart times still inside the sliding window ending at `now`.
 * Like OTP, a restart exactly `withinMs` ago has left the window.
 *
 * @param times - Earlier restart times, oldest first.
 * @param now - The current time.
 * @param withinMs - The window length.
 * @returns The times with `t > now - withinMs`.
 * @example
 * ```ts
 * inWindow([0, 400, 900], 1_000, 500); // [900]
 * ```
 */
export function inWindow(times: readonly number[], now: number, withinMs: number): number[] {
  const threshold = now - withinMs;
  return times.filter((t) => t > threshold);
}

/**
 * The outcome of {@link recordRestart}.
 *
 * @example
 * ```ts
 * const { log, exceeded }: RestartRecord = recordRestart([], 0, { maxRestarts: 3, withinMs: 5_000 });
 * ```
 */
export interface RestartRecord {
  /** The restart times to keep, `now` included. */
  readonly log: readonly number[];
  /** Whether this restart is one too many. */
  readonly exceeded: boolean;
}

/**
 * Records a restart at `now` against an intensity: pure, so strategies and
 * tests can reason about it without a clock.
 *
 * @param log - Earlier restart times, oldest first.
 * @param now - The time of this restart.
 * @param intensity - The limit.
 * @returns The new log and whether more than `maxRestarts` fall in the window.
 * @example
 * ```ts
 * recordRestart([10, 20, 30], 40, { maxRestarts: 3, withinMs: 100 }).exceeded; // true
 * ```
 */
export function recordRestart(
  log: readonly number[],
  now: number,
  intensity: Intensity,
): RestartRecord {
  if (intensity.maxRestarts === Infinity) return { log: [], exceeded: false };
  const next = [...inWindow(log, now, intensity.withinMs), now];
  return { log: next, exceeded: next.length > intensity.maxRestarts };
}
