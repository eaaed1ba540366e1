import { InvalidArgumentError } from '../core/index.js';
import type { ErrorInfo, ResolvedActivityOptions, RetryPolicy } from '../core/index.js';
import type { ActivityOptions, RetryOptions } from '../workflow/index.js';

/** The defaults of SPEC section 4. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 3,
  initialIntervalMs: 1000,
  backoffCoefficient: 2,
  maxIntervalMs: 60_000,
  nonRetryable: [],
});

function positive(value: number | undefined, fallback: number, what: string, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(
      `${what} must be a finite number >= ${min}, got ${String(value)}`,
    );
  }
  return value;
}

function resolveRetry(
  base: RetryOptions | undefined,
  override: RetryOptions | undefined,
): RetryPolicy {
  for (const retry of [base, override]) {
    if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
      throw new InvalidArgumentError('retry options must be an object');
    }
  }
  const merged: RetryOptions = { ...base, ...override };
  const nonRetryable = merged.nonRetryable ?? DEFAULT_RETRY_POLICY.nonRetryable;
  if (!Array.isArray(nonRetryable) || nonRetryable.some((n) => typeof n !== 'string')) {
    throw new InvalidArgumentError('retry.nonRetryable must be an array of error names');
  }
  const maxAttempts = positive(
    merged.maxAttempts,
    DEFAULT_RETRY_POLICY.maxAttempts,
    'retry.maxAttempts',
    1,
  );
  if (!Number.isInteger(maxAttempts))
    throw new InvalidArgumentError('retry.maxAttempts must be an integer');
  return {
    maxAttempts,
    initialIntervalMs: positive(
      merged.initialIntervalMs,
      DEFAULT_RETRY_POLICY.initialIntervalMs,
      'retry.initialIntervalMs',
      0,
    ),
    backoffCoefficient: positive(
      merged.backoffCoefficient,
      DEFAULT_RETRY_POLICY.backoffCoefficient,
      'retry.backoffCoefficient',
      1,
    ),
    maxIntervalMs: positive(
      merged.maxIntervalMs,
      DEFAULT_RETRY_POLICY.maxIntervalMs,
      'retry.maxIntervalMs',
      0,
    ),
    nonRetryable: Array.from(nonRetryable as readonly string[]),
  };
}

/**
 * Merges an activity's definition options with per-call options and applies
 * the defaults; the result is recorded in `ActivityScheduled`.
 *
 * @throws InvalidArgumentError for negative, NaN or non-integer settings.
 */
export function resolveActivityOptions(
  base: ActivityOptions,
  override: ActivityOptions | undefined,
): ResolvedActivityOptions {
  if (typeof base !== 'object' || base === null) {
    throw new InvalidArgumentError('activity options must be an object');
  }
  const timeoutMs = override?.timeoutMs ?? base.timeoutMs;
  const heartbeatTimeoutMs = override?.heartbeatTimeoutMs ?? base.heartbeatTimeoutMs;
  return {
    retry: resolveRetry(base.retry, override?.retry),
    ...(timeoutMs === undefined ? {} : { timeoutMs: positive(timeoutMs, 0, 'timeoutMs', 1) }),
    ...(heartbeatTimeoutMs === undefined
      ? {}
      : { heartbeatTimeoutMs: positive(heartbeatTimeoutMs, 0, 'heartbeatTimeoutMs', 1) }),
  };
}

/** The delay before attempt `attempt + 1`: exponential, capped. */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const delay = policy.initialIntervalMs * policy.backoffCoefficient ** Math.max(0, attempt - 1);
  return Math.min(Math.round(delay), policy.maxIntervalMs);
}

/** What to do after a failed attempt. */
export interface RetryDecision {
  /** Whether the error allows another attempt at all. */
  readonly retryable: boolean;
  /** When the next attempt runs; absent when this was the last one. */
  readonly nextAttemptAt?: number;
}

/**
 * Decides whether and when to retry after `attempt` failed with `error`:
 * non-retryable errors (by flag or by name) and exhausted attempts stop.
 */
export function decideRetry(
  policy: RetryPolicy,
  attempt: number,
  error: ErrorInfo,
  now: number,
): RetryDecision {
  const retryable = error.nonRetryable !== true && !policy.nonRetryable.includes(error.name);
  if (!retryable || attempt >= policy.maxAttempts) return { retryable };
  return { retryable, nextAttemptAt: now + backoffDelay(policy, attempt) };
}
