import { AionError, ErrorCode, checkPayload, toErrorInfo } from '../core/index.js';
import type { Clock, ErrorInfo, ResolvedActivityOptions } from '../core/index.js';
import type { ActivityContext, ActivityDefinition } from '../workflow/index.js';

/** Everything one attempt needs. */
export interface AttemptRequest {
  readonly def: ActivityDefinition;
  readonly input: unknown;
  readonly workflowId: string;
  readonly runId: string;
  readonly activityId: number;
  readonly attempt: number;
  readonly options: ResolvedActivityOptions;
  readonly lastHeartbeatDetails: unknown;
  readonly clock: Clock;
  /** Largest result payload in bytes. */
  readonly maxPayloadBytes?: number;
}

/** How one attempt ended. Never a rejection: every failure is data. */
export type AttemptResult =
  | { readonly ok: true; readonly result: unknown }
  | { readonly ok: false; readonly error: ErrorInfo; readonly heartbeatDetails: unknown };

/** An attempt under way. */
export interface RunningAttempt {
  /** How the attempt ended; never rejects. */
  readonly done: Promise<AttemptResult>;
  /**
   * Aborts the attempt from outside (cancellation, termination, shutdown):
   * `actx.signal` aborts with `reason` and `done` resolves as a failure at
   * once, without waiting for the function.
   */
  readonly abort: (reason: unknown) => void;
}

/**
 * Starts one attempt of an activity with its timeout and heartbeat
 * watchdogs. Both watchdogs abort `actx.signal` and end the attempt as a
 * retryable failure (`ACTIVITY_TIMEOUT`, `HEARTBEAT_TIMEOUT`) without
 * waiting for the function, which may ignore the signal. No AbortController
 * is made unless the function reads `actx.signal`.
 */
export function startAttempt(request: AttemptRequest): RunningAttempt {
  const { def, clock, options } = request;
  // Most activities never read `actx.signal`: its AbortController is made on
  // first read, already aborted if the attempt was by then.
  let controller: AbortController | undefined;
  let abortReason: unknown;
  let aborted = false;
  const abort = (reason: unknown): void => {
    if (aborted) return;
    aborted = true;
    abortReason = reason;
    controller?.abort(reason);
  };
  const signalOf = (): AbortSignal => {
    if (controller === undefined) {
      controller = new AbortController();
      if (aborted) controller.abort(abortReason);
    }
    return controller.signal;
  };
  let heartbeatDetails: unknown = request.lastHeartbeatDetails;
  let cancelTimeout: (() => void) | undefined;
  let cancelHeartbeat: (() => void) | undefined;
  let settle!: (result: AttemptResult) => void;
  let settled = false;
  const done = new Promise<AttemptResult>((resolve) => (settle = resolve));

  const finish = (result: AttemptResult): void => {
    if (settled) return;
    settled = true;
    cancelTimeout?.();
    cancelHeartbeat?.();
    settle(result);
  };
  const failWith = (code: ErrorCode, message: string): void => {
    const error = new AionError(code, message);
    abort(error);
    finish({ ok: false, error: toErrorInfo(error), heartbeatDetails });
  };
  const armHeartbeat = (): void => {
    if (options.heartbeatTimeoutMs === undefined) return;
    cancelHeartbeat?.();
    const ms = options.heartbeatTimeoutMs;
    cancelHeartbeat = clock.schedule(clock.now() + ms, () =>
      failWith(ErrorCode.HEARTBEAT_TIMEOUT, `no heartbeat for ${ms} ms`),
    );
  };
  const abortFromOutside = (reason: unknown): void => {
    if (settled) return;
    abort(reason);
    finish({ ok: false, error: toErrorInfo(reason ?? new Error('aborted')), heartbeatDetails });
  };
  if (options.timeoutMs !== undefined) {
    const ms = options.timeoutMs;
    cancelTimeout = clock.schedule(clock.now() + ms, () =>
      failWith(ErrorCode.ACTIVITY_TIMEOUT, `attempt exceeded ${ms} ms`),
    );
  }
  armHeartbeat();

  const actx: ActivityContext = {
    workflowId: request.workflowId,
    runId: request.runId,
    activityType: def.name,
    activityId: request.activityId,
    attempt: request.attempt,
    idempotencyKey: `${request.workflowId}/${request.runId}/${request.activityId}`,
    get signal() {
      return signalOf();
    },
    lastHeartbeatDetails: request.lastHeartbeatDetails,
    heartbeat(details?: unknown) {
      if (settled) return;
      if (details !== undefined) heartbeatDetails = details;
      armHeartbeat();
    },
  };

  let running: Promise<unknown>;
  try {
    running = def.fn(request.input, actx);
  } catch (error) {
    running = Promise.reject(error);
  }
  running.then(
    (result) => {
      try {
        checkPayload(result, request.maxPayloadBytes, `result of activity ${def.name}`);
      } catch (error) {
        finish({
          ok: false,
          error: { ...toErrorInfo(error), nonRetryable: true },
          heartbeatDetails,
        });
        return;
      }
      finish({ ok: true, result });
    },
    (error: unknown) => finish({ ok: false, error: toErrorInfo(error), heartbeatDetails }),
  );
  return { done, abort: abortFromOutside };
}
