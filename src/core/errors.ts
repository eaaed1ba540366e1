/**
 * Every stable error code of aion-ts. Callers switch on `code`, never on
 * message text; docs/errors.md documents each one.
 */
export const ErrorCode = {
  INVALID_ARGUMENT: 'INVALID_ARGUMENT',
  WORKFLOW_NOT_FOUND: 'WORKFLOW_NOT_FOUND',
  WORKFLOW_ALREADY_STARTED: 'WORKFLOW_ALREADY_STARTED',
  WORKFLOW_NOT_RUNNING: 'WORKFLOW_NOT_RUNNING',
  UNKNOWN_WORKFLOW_TYPE: 'UNKNOWN_WORKFLOW_TYPE',
  UNKNOWN_ACTIVITY_TYPE: 'UNKNOWN_ACTIVITY_TYPE',
  NONDETERMINISM: 'NONDETERMINISM',
  CRASH_LOOP: 'CRASH_LOOP',
  ACTIVITY_FAILED: 'ACTIVITY_FAILED',
  ACTIVITY_TIMEOUT: 'ACTIVITY_TIMEOUT',
  HEARTBEAT_TIMEOUT: 'HEARTBEAT_TIMEOUT',
  CANCELLED: 'CANCELLED',
  TIMEOUT: 'TIMEOUT',
  QUERY_NOT_FOUND: 'QUERY_NOT_FOUND',
  QUERY_FAILED: 'QUERY_FAILED',
  PAYLOAD_NOT_SERIALIZABLE: 'PAYLOAD_NOT_SERIALIZABLE',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  SEQUENCE_CONFLICT: 'SEQUENCE_CONFLICT',
  STORE_LOCKED: 'STORE_LOCKED',
  STORE_CORRUPT: 'STORE_CORRUPT',
  STORE_WRITE_FAILED: 'STORE_WRITE_FAILED',
  ENGINE_CLOSED: 'ENGINE_CLOSED',
  WORKFLOW_FAILED: 'WORKFLOW_FAILED',
  WORKFLOW_CANCELLED: 'WORKFLOW_CANCELLED',
  WORKFLOW_TIMED_OUT: 'WORKFLOW_TIMED_OUT',
  WORKFLOW_TERMINATED: 'WORKFLOW_TERMINATED',
} as const;

/** One of the stable error codes in {@link ErrorCode}. */
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Options accepted by every {@link AionError} constructor. */
export interface AionErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Structured, serializable details (ids, seq, shapes). */
  readonly details?: Record<string, unknown>;
}

/**
 * The base class of every error raised by aion-ts. It carries a stable
 * string `code`; switch on it.
 *
 * @example
 * ```ts
 * try { await engine.signal('nope', 'go', {}); }
 * catch (e) { if (e instanceof AionError && e.code === 'WORKFLOW_NOT_FOUND') { ... } }
 * ```
 */
export class AionError extends Error {
  override readonly name: string = 'AionError';
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: AionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details;
  }
}

/** A call's argument was malformed (ids, durations, numbers, option shapes). */
export class InvalidArgumentError extends AionError {
  override readonly name = 'InvalidArgumentError';
  constructor(message: string, options?: AionErrorOptions) {
    super(ErrorCode.INVALID_ARGUMENT, message, options);
  }
}

/** A payload could not be encoded faithfully, or is larger than allowed. */
export class PayloadError extends AionError {
  override readonly name = 'PayloadError';
}

/** A store operation failed: conflict, lock, corruption or a write error. */
export class StoreError extends AionError {
  override readonly name = 'StoreError';
}

/** Replayed code issued commands that do not match the recorded history. */
export class NondeterminismError extends AionError {
  override readonly name = 'NondeterminismError';
  constructor(message: string, options?: AionErrorOptions) {
    super(ErrorCode.NONDETERMINISM, message, options);
  }
}

/** The engine was closed; no further calls are accepted. */
export class EngineClosedError extends AionError {
  override readonly name = 'EngineClosedError';
  constructor() {
    super(ErrorCode.ENGINE_CLOSED, 'the engine is closed');
  }
}

/** Raised for an id or handle that names no stored workflow. */
export class WorkflowNotFoundError extends AionError {
  override readonly name = 'WorkflowNotFoundError';
  constructor(workflowId: string, runId?: string) {
    super(
      ErrorCode.WORKFLOW_NOT_FOUND,
      runId === undefined
        ? `no workflow with id '${workflowId}'`
        : `no run '${runId}' of workflow '${workflowId}'`,
      { details: { workflowId, runId } },
    );
  }
}

/** A `start` named the id of a run that has not ended. */
export class WorkflowAlreadyStartedError extends AionError {
  override readonly name = 'WorkflowAlreadyStartedError';
  constructor(workflowId: string, runId: string) {
    super(
      ErrorCode.WORKFLOW_ALREADY_STARTED,
      `workflow '${workflowId}' already has a running run '${runId}'`,
      { details: { workflowId, runId } },
    );
  }
}

/** The operation needs a running run, and this one has ended. */
export class WorkflowNotRunningError extends AionError {
  override readonly name = 'WorkflowNotRunningError';
  constructor(workflowId: string, runId: string, status: string) {
    super(ErrorCode.WORKFLOW_NOT_RUNNING, `workflow '${workflowId}' run '${runId}' is ${status}`, {
      details: { workflowId, runId, status },
    });
  }
}

/** Serializable description of an error, as recorded in history. */
export interface ErrorInfo {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly stack?: string;
  readonly details?: unknown;
  readonly nonRetryable?: boolean;
  readonly cause?: ErrorInfo;
}

/**
 * Turns anything thrown into a plain {@link ErrorInfo} that can be recorded.
 * Never throws, whatever it is given.
 */
export function toErrorInfo(error: unknown, depth = 0): ErrorInfo {
  if (error instanceof Error) {
    const info: {
      name: string;
      message: string;
      code?: string;
      stack?: string;
      details?: unknown;
      nonRetryable?: boolean;
      cause?: ErrorInfo;
    } = { name: error.name, message: error.message };
    const record = error as Error & { code?: unknown; details?: unknown; nonRetryable?: unknown };
    if (typeof record.code === 'string') info.code = record.code;
    if (error.stack !== undefined) info.stack = error.stack;
    if (record.details !== undefined) info.details = safeDetails(record.details);
    if (record.nonRetryable === true) info.nonRetryable = true;
    if (error.cause !== undefined && depth < 4) info.cause = toErrorInfo(error.cause, depth + 1);
    return info;
  }
  if (typeof error === 'object' && error !== null && 'message' in error) {
    const message = error.message;
    return { name: 'Error', message: typeof message === 'string' ? message : String(message) };
  }
  return { name: 'Error', message: typeof error === 'string' ? error : safeString(error) };
}

function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return '[unprintable]';
  }
}

function safeDetails(details: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(details)) as unknown;
  } catch {
    return undefined;
  }
}
