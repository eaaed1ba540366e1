import { AionError, ErrorCode } from '../core/index.js';
import type { AionErrorOptions, ErrorInfo } from '../core/index.js';

/** Options of an {@link ApplicationError}. */
export interface ApplicationErrorOptions {
  /** When thrown by an activity: stop retrying at once. @default false */
  readonly nonRetryable?: boolean;
  /** Serializable details recorded with the error. */
  readonly details?: unknown;
  readonly cause?: unknown;
  /** The error `name` recorded in history (matched by `retry.nonRetryable`). @default 'ApplicationError' */
  readonly type?: string;
}

/**
 * A business error. Thrown by workflow code it fails the run (a `failed`
 * outcome, not a crash); thrown by an activity it is a failed attempt that
 * is retried unless `nonRetryable` is set or its name is in the policy's
 * `nonRetryable` list.
 *
 * @example
 * ```ts
 * throw new ApplicationError('card declined', { type: 'CardDeclined', nonRetryable: true });
 * ```
 */
export class ApplicationError extends Error {
  readonly nonRetryable: boolean;
  readonly details: unknown;

  constructor(message: string, options: ApplicationErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = options.type ?? 'ApplicationError';
    this.nonRetryable = options.nonRetryable ?? false;
    this.details = options.details;
  }
}

/** Raised inside workflow code and activities when the run was cancelled. */
export class CancelledError extends AionError {
  override readonly name = 'CancelledError';
  constructor(reason = 'cancelled', options?: AionErrorOptions) {
    super(ErrorCode.CANCELLED, reason, options);
  }
}

/** A durable timeout passed (`ctx.signal` with a timeout, `ctx.withTimeout`). */
export class TimeoutError extends AionError {
  override readonly name = 'TimeoutError';
  constructor(message = 'timed out', options?: AionErrorOptions) {
    super(ErrorCode.TIMEOUT, message, options);
  }
}

/**
 * An activity failed for good (retries exhausted or not retryable). `cause`
 * is the last attempt's error as recorded.
 */
export class ActivityFailedError extends AionError {
  override readonly name = 'ActivityFailedError';
  readonly activityType: string;
  readonly activityId: number;
  readonly attempts: number;
  readonly lastError: ErrorInfo;

  constructor(activityType: string, activityId: number, attempts: number, lastError: ErrorInfo) {
    super(
      ErrorCode.ACTIVITY_FAILED,
      `activity ${activityType} #${activityId} failed after ${attempts} attempt(s): ${lastError.message}`,
      { cause: lastError, details: { activityType, activityId, attempts } },
    );
    this.activityType = activityType;
    this.activityId = activityId;
    this.attempts = attempts;
    this.lastError = lastError;
  }
}

/** A child workflow ended without a result; `cause` is its recorded error. */
export class ChildWorkflowFailedError extends AionError {
  override readonly name = 'ChildWorkflowFailedError';
  readonly childWorkflowId: string;
  constructor(childWorkflowId: string, error: ErrorInfo) {
    super(
      ErrorCode.WORKFLOW_FAILED,
      `child workflow '${childWorkflowId}' failed: ${error.message}`,
      {
        cause: error,
        details: { childWorkflowId },
      },
    );
    this.childWorkflowId = childWorkflowId;
  }
}

/**
 * True when an error thrown by workflow code ends the run as `failed`
 * rather than crashing it (and so being retried by its supervisor).
 */
export function isApplicationFailure(error: unknown): boolean {
  return (
    error instanceof ApplicationError ||
    error instanceof ActivityFailedError ||
    error instanceof ChildWorkflowFailedError ||
    error instanceof TimeoutError
  );
}
