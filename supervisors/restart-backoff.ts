import type { Backoff } from './supervisor-spec.js';

/**
 * The delay before a restart: `min(maxMs, initialMs * factor^attempt)`,
 * scaled by `1 - jitter * entropy` when jitter is on.
 *
 * @param backoff - The policy, or `undefined` for none (delay 0).
 * @param attempt - 0 for the child's first restart inside the window, then 1, 2...
 * @param entropy - A number in [0, 1) sampled by the caller (time and entropy are injected).
 * @returns The delay in milliseconds.
 * @example
 * ```ts
 * backoffDelay({ initialMs: 100, maxMs: 1_000, factor: 2 }, 3, 0); // 800
 * ```
 */
export function backoffDelay(
  backoff: Backoff | undefined,
  attempt: number,
  entropy: number,
): number {
  if (backoff === undefined) return 0;
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** attempt);
  const jitter = backoff.jitter ?? 0;
  return base * (1 - jitter * entropy);
}
