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
  return new Attempt(request);
}

/**
 * One attempt's state. A class, not closures: an attempt runs for every
 * activity step, and one object with its methods on the prototype is much
 * less to allocate and collect than a dozen closures.
 */
class Attempt implements RunningAttempt {
  readonly done: Promise<AttemptResult>;
  readonly #request: AttemptRequest;
  #settle!: (result: AttemptResult) => void;
  #settled = false;
  #heartbeatDetails: unknown;
  #controller: AbortController | undefined;
  #aborted = false;
  #abortReason: unknown;
  #cancelTimeout: (() => void) | undefined;
  #cancelHeartbeat: (() => void) | undefined;

  constructor(request: AttemptRequest) {
    this.#request = request;
    this.#heartbeatDetails = request.lastHeartbeatDetails;
    this.done = new Promise<AttemptResult>((resolve) => (this.#settle = resolve));
    const { clock, options } = request;
    if (options.timeoutMs !== undefined) {
      const ms = options.timeoutMs;
      this.#cancelTimeout = clock.schedule(clock.now() + ms, () =>
        this.#failWith(ErrorCode.ACTIVITY_TIMEOUT, `attempt exceeded ${ms} ms`),
      );
    }
    this.#armHeartbeat();
    let running: Promise<unknown>;
    try {
      running = request.def.fn(request.input, new AttemptContext(request, this));
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (result) => this.#succeeded(result),
      (error: unknown) =>
        this.#finish({
          ok: false,
          error: toErrorInfo(error),
          heartbeatDetails: this.#heartbeatDetails,
        }),
    );
  }

  /** Made on first read, already aborted if the attempt was by then. */
  signal(): AbortSignal {
    if (this.#controller === undefined) {
      this.#controller = new AbortController();
      if (this.#aborted) this.#controller.abort(this.#abortReason);
    }
    return this.#controller.signal;
  }

  heartbeat(details?: unknown): void {
    if (this.#settled) return;
    if (details !== undefined) this.#heartbeatDetails = details;
    this.#armHeartbeat();
  }

  readonly abort = (reason: unknown): void => {
    if (this.#settled) return;
    this.#abortSignal(reason);
    this.#finish({
      ok: false,
      error: toErrorInfo(reason ?? new Error('aborted')),
      heartbeatDetails: this.#heartbeatDetails,
    });
  };

  #succeeded(result: unknown): void {
    const { def, maxPayloadBytes } = this.#request;
    try {
      checkPayload(result, maxPayloadBytes, `result of activity ${def.name}`);
    } catch (error) {
      this.#finish({
        ok: false,
        error: { ...toErrorInfo(error), nonRetryable: true },
        heartbeatDetails: this.#heartbeatDetails,
      });
      return;
    }
    this.#finish({ ok: true, result });
  }

  #abortSignal(reason: unknown): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  #finish(result: AttemptResult): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#cancelTimeout?.();
    this.#cancelHeartbeat?.();
    this.#settle(result);
  }

  #failWith(code: ErrorCode, message: string): void {
    const error = new AionError(code, message);
    this.#abortSignal(error);
    this.#finish({
      ok: false,
      error: toErrorInfo(error),
      heartbeatDetails: this.#heartbeatDetails,
    });
  }

  #armHeartbeat(): void {
    const ms = this.#request.options.heartbeatTimeoutMs;
    if (ms === undefined) return;
    this.#cancelHeartbeat?.();
    const { clock } = this.#request;
    this.#cancelHeartbeat = clock.schedule(clock.now() + ms, () =>
      this.#failWith(ErrorCode.HEARTBEAT_TIMEOUT, `no heartbeat for ${ms} ms`),
    );
  }
}

/**
 * The `actx` an activity function receives: plain fields, a lazy `signal`,
 * and a `heartbeat` that works detached (`const { heartbeat } = actx`).
 */
class AttemptContext implements ActivityContext {
  readonly workflowId: string;
  readonly runId: string;
  readonly activityType: string;
  readonly activityId: number;
  readonly attempt: number;
  readonly idempotencyKey: string;
  readonly lastHeartbeatDetails: unknown;
  readonly heartbeat: (details?: unknown) => void;
  readonly #owner: Attempt;

  constructor(request: AttemptRequest, owner: Attempt) {
    this.workflowId = request.workflowId;
    this.runId = request.runId;
    this.activityType = request.def.name;
    this.activityId = request.activityId;
    this.attempt = request.attempt;
    this.idempotencyKey = `${request.workflowId}/${request.runId}/${request.activityId}`;
    this.lastHeartbeatDetails = request.lastHeartbeatDetails;
    this.#owner = owner;
    this.heartbeat = (details?: unknown) => owner.heartbeat(details);
  }

  get signal(): AbortSignal {
    return this.#owner.signal();
  }
}
