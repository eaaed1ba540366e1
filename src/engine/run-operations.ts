import {
  AionError,
  InvalidArgumentError,
  WorkflowNotRunningError,
  assertValidId,
  checkPayload,
} from '../core/index.js';
import type { AdmissionRelease, RunSummary } from '../store/index.js';
import type { ResidentRuns } from './resident-runs.js';
import type { RunHost } from './run-host.js';

/** What operating a run needs from the engine. */
export interface RunOperationsDeps {
  readonly runs: ResidentRuns;
  readonly maxPayloadBytes: number;
  /** The durable summary of a run; throws `WORKFLOW_NOT_FOUND`, `ENGINE_CLOSED`. */
  summary(workflowId: string, runId?: string): Promise<RunSummary>;
  /** Throws `ENGINE_CLOSED` once the engine closes. */
  assertOpen(): void;
  /** Waits for room in the store's queue (backpressure) before a write from outside the runs. */
  admit(): Promise<AdmissionRelease>;
}

/**
 * How a signal gets room in the store's queue: a user's waits for it
 * (`'wait'`), one sent by a run needs none (`'none'`: runs are never held,
 * or a full queue could not drain), and a caller that was admitted already
 * hands over its release.
 */
export type SignalAdmission = 'wait' | 'none' | AdmissionRelease;

/** A reason is recorded in history: a string, bounded like any payload. */
function checkReason(reason: unknown, maxPayloadBytes: number): void {
  if (typeof reason !== 'string') throw new InvalidArgumentError('reason must be a string');
  checkPayload(reason, maxPayloadBytes, 'reason');
}

/**
 * Signals, queries, cancellation and termination of one run: each goes to
 * the run's resident host, waking a suspended run first.
 */
export class RunOperations {
  readonly #deps: RunOperationsDeps;

  constructor(deps: RunOperationsDeps) {
    this.#deps = deps;
  }

  /** Signals the latest run of a workflow. */
  async signalLatest(
    workflowId: string,
    name: string,
    payload: unknown,
    admission: SignalAdmission,
  ): Promise<void> {
    const run = await this.#deps.summary(workflowId);
    return this.signal(run.workflowId, run.runId, name, payload, admission);
  }

  async signal(
    workflowId: string,
    runId: string,
    name: string,
    payload: unknown,
    admission: SignalAdmission = 'wait',
  ): Promise<void> {
    let release = typeof admission === 'function' ? admission : undefined;
    try {
      assertValidId(name, 'signal name');
      checkPayload(payload, this.#deps.maxPayloadBytes, 'signal payload');
      // Room first, then the host: a run may be suspended while the signal
      // waits, and a host found before the wait could be a detached one.
      if (admission === 'wait') release = await this.#deps.admit();
      const host = await this.#runningHost(workflowId, runId);
      await this.#record(host, workflowId, name, payload);
    } finally {
      // Held until durable, not just recorded: the event waits in the run's
      // buffer behind its append in flight, and the slot is what bounds how
      // many signals can pile up there.
      release?.();
    }
  }

  async #record(host: RunHost, workflowId: string, name: string, payload: unknown): Promise<void> {
    try {
      await host.recordExternal({ type: 'SignalReceived', name, payload });
    } catch (error) {
      // A run continuing as new hands its signals on to the next run.
      const next = host.successorRunId;
      if (next === undefined || !(error instanceof AionError)) throw error;
      await host.recorder.idle();
      await this.#record(await this.#runningHost(workflowId, next), workflowId, name, payload);
    }
  }

  async query(workflowId: string, runId: string, name: string, args: unknown[]): Promise<unknown> {
    assertValidId(name, 'query name');
    const host = await this.#runningHost(workflowId, runId);
    return host.query(name, args);
  }

  async cancel(workflowId: string, runId: string, reason: string): Promise<void> {
    checkReason(reason, this.#deps.maxPayloadBytes);
    const host = await this.#runningHost(workflowId, runId);
    if (host.ledger.cancelRequested !== undefined) return;
    await host.recordExternal({ type: 'WorkflowCancelRequested', reason });
  }

  async terminate(workflowId: string, runId: string, reason: string): Promise<void> {
    checkReason(reason, this.#deps.maxPayloadBytes);
    const host = await this.#runningHost(workflowId, runId);
    await host.end({ type: 'WorkflowTerminated', reason });
  }

  async #runningHost(workflowId: string, runId: string): Promise<RunHost> {
    const runs = this.#deps.runs;
    // A resident host that has not ended is a running run: no store read.
    const resident = runs.get(workflowId, runId);
    if (resident !== undefined && !resident.ended) {
      this.#deps.assertOpen();
      return resident;
    }
    const run = await this.#deps.summary(workflowId, runId);
    const host = run.status === 'running' ? await runs.wake(workflowId, runId) : undefined;
    if (host === undefined || host.ended) {
      const blocked = runs.blockedError(workflowId, runId);
      if (blocked !== undefined) throw blocked;
      throw new WorkflowNotRunningError(workflowId, runId, run.status);
    }
    return host;
  }
}
