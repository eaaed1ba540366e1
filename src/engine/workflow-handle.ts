import type { Observable } from 'rxjs';
import type { HistoryEvent } from '../core/index.js';
import type { TerminalOutcome } from './outcome-events.js';
import type { WorkflowDescription } from './describe.js';

/**
 * A handle to one run of a workflow. Operations target this run; `result()`
 * follows continue-as-new to the run that finally ends.
 */
export interface WorkflowHandle<O = unknown> {
  readonly workflowId: string;
  readonly runId: string;
  /** Resolves with the output, or rejects with a typed error (`WORKFLOW_FAILED`, ...). */
  result(): Promise<O>;
  /**
   * Emits the run's terminal outcome once it is durable, to every current
   * and late subscriber, then completes.
   */
  readonly outcome$: Observable<TerminalOutcome<O>>;
  /** The recorded history, then live events, without gap or duplicate; completes after the terminal event. */
  readonly events$: Observable<HistoryEvent>;
  signal(name: string, payload?: unknown): Promise<void>;
  query<R = unknown>(name: string, ...args: unknown[]): Promise<R>;
  cancel(reason?: string): Promise<void>;
  terminate(reason?: string): Promise<void>;
  describe(): Promise<WorkflowDescription>;
  history(): Promise<HistoryEvent[]>;
}

/** The engine operations a handle forwards to. */
export interface HandleBackend {
  resultOf(workflowId: string, runId: string): Promise<unknown>;
  outcomeOf$(workflowId: string, runId: string): Observable<TerminalOutcome>;
  eventsOf$(workflowId: string, runId: string): Observable<HistoryEvent>;
  signalRun(workflowId: string, runId: string, name: string, payload: unknown): Promise<void>;
  queryRun(workflowId: string, runId: string, name: string, args: unknown[]): Promise<unknown>;
  cancelRun(workflowId: string, runId: string, reason: string | undefined): Promise<void>;
  terminateRun(workflowId: string, runId: string, reason: string | undefined): Promise<void>;
  describe(workflowId: string, runId?: string): Promise<WorkflowDescription>;
  history(workflowId: string, runId?: string): Promise<HistoryEvent[]>;
}

/** Creates the handle of one run. */
export function createWorkflowHandle<O>(
  backend: HandleBackend,
  workflowId: string,
  runId: string,
): WorkflowHandle<O> {
  return {
    workflowId,
    runId,
    result: () => backend.resultOf(workflowId, runId) as Promise<O>,
    outcome$: backend.outcomeOf$(workflowId, runId) as Observable<TerminalOutcome<O>>,
    events$: backend.eventsOf$(workflowId, runId),
    signal: (name, payload) => backend.signalRun(workflowId, runId, name, payload),
    query: <R>(name: string, ...args: unknown[]) =>
      backend.queryRun(workflowId, runId, name, args) as Promise<R>,
    cancel: (reason) => backend.cancelRun(workflowId, runId, reason),
    terminate: (reason) => backend.terminateRun(workflowId, runId, reason),
    describe: () => backend.describe(workflowId, runId),
    history: () => backend.history(workflowId, runId),
  };
}
