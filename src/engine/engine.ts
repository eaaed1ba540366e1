import type { Observable } from 'rxjs';
import { EngineClosedError, WorkflowNotFoundError, assertValidId } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { LevelStore } from '../store/index.js';
import type { EventStore, ListFilter, RunSummary } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import { describeRun, liveFacts, summaryOf } from './describe.js';
import type { WorkflowDescription, WorkflowPage } from './describe.js';
import { resolveEngineOptions } from './engine-options.js';
import type { EngineOptions, ResolvedEngineOptions } from './engine-options.js';
import { EngineRuntime } from './engine-runtime.js';
import { engineStats } from './engine-stats.js';
import type { EngineStats } from './engine-stats.js';
import type { OutcomeNotice, TerminalOutcome } from './outcome-events.js';
import { chainResult } from './result-errors.js';
import type { SupervisionEvent, TreeNode } from './run-hosting.js';
import { RunOperations } from './run-operations.js';
import { RunStarts } from './run-starts.js';
import { admitWrite } from './write-admission-gate.js';
import type { StartOptions } from './start-plan.js';
import { createWorkflowHandle } from './workflow-handle.js';
import type { HandleBackend, WorkflowHandle } from './workflow-handle.js';

export type { StartOptions } from './start-plan.js';
export type { WorkflowPage } from './describe.js';

/**
 * The durable workflow engine, embedded in this process. Open it on a store,
 * start runs, and read their outcomes; runs survive `kill -9` and continue
 * when an engine is opened again on the same store.
 *
 * @example
 * ```ts
 * const engine = await Engine.open({ store: './.aion', workflows: [greet], activities: [] });
 * const handle = await engine.start(greet, 'world');
 * console.log(await handle.result());
 * await engine.close();
 * ```
 */
export class Engine implements HandleBackend {
  readonly #rt: EngineRuntime;
  readonly #ownsStore: boolean;
  readonly #operations: RunOperations;
  readonly #starts: RunStarts;
  #closing: Promise<void> | undefined;

  private constructor(options: ResolvedEngineOptions, store: EventStore, ownsStore: boolean) {
    this.#ownsStore = ownsStore;
    this.#rt = new EngineRuntime(options, store, {
      // A signal one run sends another never waits for room in the store.
      signal: (workflowId, name, payload) =>
        this.#operations.signalLatest(workflowId, name, payload, 'none'),
      cancel: (workflowId, reason) => this.cancel(workflowId, reason),
      terminate: (workflowId, reason) => this.terminate(workflowId, reason),
      isClosing: () => this.#closing !== undefined,
    });
    this.#operations = new RunOperations({
      runs: this.#rt.runs,
      maxPayloadBytes: options.maxPayloadBytes,
      summary: (workflowId, runId) => this.#summary(workflowId, runId),
      assertOpen: () => this.#assertOpen(),
      admit: () => admitWrite(this.#rt.store, () => this.#closing !== undefined),
    });
    this.#starts = new RunStarts({
      rt: this.#rt,
      operations: this.#operations,
      backend: this,
      assertOpen: () => this.#assertOpen(),
      isClosing: () => this.#closing !== undefined,
    });
  }

  /**
   * Opens the store, recovers every non-terminal run (replay), re-arms
   * timers and resumes pending activities; resolves when the engine accepts
   * calls.
   *
   * @throws InvalidArgumentError for bad options; StoreError `STORE_LOCKED`
   * when another engine holds the store.
   */
  static async open(options: EngineOptions = {}): Promise<Engine> {
    const resolved = resolveEngineOptions(options);
    const owns = typeof resolved.store === 'string';
    const store =
      typeof resolved.store === 'string'
        ? await LevelStore.open(resolved.store, { durability: resolved.durability })
        : resolved.store;
    const engine = new Engine(resolved, store, owns);
    // Streams are hot: what recovery publishes is held until the caller had
    // the turn in which `open` resolves to subscribe (see RunStreams.hold).
    engine.#rt.streams.hold();
    try {
      await engine.#rt.recover();
    } catch (error) {
      await engine.close();
      throw error;
    }
    setImmediate(() => engine.#rt.streams.release());
    return engine;
  }

  /** Every terminal outcome of every run, as it becomes durable (hot). */
  get outcomes$(): Observable<OutcomeNotice> {
    return this.#rt.streams.outcomes.asObservable();
  }

  /** Every history event as it becomes durable (hot firehose). */
  get events$(): Observable<HistoryEvent> {
    return this.#rt.streams.events.asObservable();
  }

  /** Supervision decisions: run actors started, crashed, restarted, stopped. */
  get supervision$(): Observable<SupervisionEvent> {
    return this.#rt.hosting.events$;
  }

  /** A snapshot of the live supervision tree. */
  tree(): TreeNode {
    return this.#rt.hosting.tree();
  }

  /**
   * Counts of what the engine holds in memory: resident runs, run actors,
   * timers in flight, watched runs, starts in progress. Once every run has
   * ended and nobody awaits a result, all are zero but `blockedRuns`; the
   * store's own counters (queue depth, backpressure) are `store.stats()`.
   *
   * @example
   * ```ts
   * const { residentRuns, runActors } = engine.stats();
   * ```
   */
  stats(): EngineStats {
    return engineStats(this.#rt, this.#starts.idLock);
  }

  // ---- starting ----

  /**
   * Starts a run of a registered workflow.
   *
   * @throws `UNKNOWN_WORKFLOW_TYPE`, `INVALID_ARGUMENT`, `PAYLOAD_*`,
   * `WORKFLOW_ALREADY_STARTED` (unless `idempotent`), `ENGINE_CLOSED`.
   */
  start<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    options: StartOptions = {},
  ): Promise<WorkflowHandle<O>> {
    return this.#starts.start(workflow, input, options);
  }

  /**
   * Signals the running run of `workflowId`, or starts one and records the
   * signal in the same atomic batch as its start.
   *
   * @throws as `start` and `signal`.
   */
  signalWithStart<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    name: string,
    payload: unknown,
    options: StartOptions & { readonly workflowId: string },
  ): Promise<WorkflowHandle<O>> {
    return this.#starts.signalWithStart(workflow, input, name, payload, options);
  }

  // ---- reading ----

  /** A handle to an existing run (the latest when `runId` is omitted). */
  async getHandle<O = unknown>(workflowId: string, runId?: string): Promise<WorkflowHandle<O>> {
    const run = await this.#summary(workflowId, runId);
    return this.#handle<O>(run.workflowId, run.runId);
  }

  #handle<O>(workflowId: string, runId: string): WorkflowHandle<O> {
    return createWorkflowHandle<O>(this, workflowId, runId);
  }

  async #summary(workflowId: string, runId?: string): Promise<RunSummary> {
    this.#assertOpen();
    assertValidId(workflowId, 'workflowId');
    if (runId !== undefined) assertValidId(runId, 'runId');
    const id = runId ?? (await this.#rt.store.getLatestRunId(workflowId));
    const run = id === undefined ? undefined : await this.#rt.store.getRun(workflowId, id);
    if (run === undefined) throw new WorkflowNotFoundError(workflowId, runId);
    return run;
  }

  /** What the engine knows about a run: status, residency, pending work, restarts. */
  async describe(workflowId: string, runId?: string): Promise<WorkflowDescription> {
    const run = await this.#summary(workflowId, runId).catch((error: unknown) =>
      this.#rt.damagedSummary(error),
    );
    return describeRun(run, liveFacts(this.#rt.runs, run));
  }

  /** The recorded history of a run, in sequence order. */
  async history(workflowId: string, runId?: string): Promise<HistoryEvent[]> {
    const run = await this.#summary(workflowId, runId);
    return this.#rt.store.readHistory(run.workflowId, run.runId);
  }

  /** Runs by status, type and start time, newest first, one page at a time. */
  async list(filter: ListFilter = {}): Promise<WorkflowPage> {
    this.#assertOpen();
    // Damaged entries are left out of the page and reported (supervision$).
    const page = await this.#rt.store.listRuns(filter, this.#rt.onCorrupt);
    return {
      items: page.items.map(summaryOf),
      ...(page.next === undefined ? {} : { next: page.next }),
    };
  }

  // ---- results and streams (HandleBackend) ----

  resultOf(workflowId: string, runId: string): Promise<unknown> {
    return chainResult(this.#rt.streams, workflowId, runId);
  }

  outcomeOf$(workflowId: string, runId: string): Observable<TerminalOutcome> {
    return this.#rt.streams.outcomeOf$(workflowId, runId);
  }

  eventsOf$(workflowId: string, runId: string): Observable<HistoryEvent> {
    return this.#rt.streams.eventsOf$(workflowId, runId);
  }

  // ---- operating runs ----

  /**
   * Signals the latest run of a workflow. When the store's queue is full
   * (backpressure, docs/storage.md) it waits for room before recording.
   */
  async signal(workflowId: string, name: string, payload?: unknown): Promise<void> {
    return this.#operations.signalLatest(workflowId, name, payload, 'wait');
  }

  /** Queries the latest run of a workflow. */
  async query<R = unknown>(workflowId: string, name: string, ...args: unknown[]): Promise<R> {
    const run = await this.#summary(workflowId);
    return (await this.queryRun(run.workflowId, run.runId, name, args)) as R;
  }

  /** Requests cancellation of the latest run of a workflow. */
  async cancel(workflowId: string, reason?: string): Promise<void> {
    const run = await this.#summary(workflowId);
    return this.cancelRun(run.workflowId, run.runId, reason);
  }

  /** Terminates the latest run of a workflow at once. */
  async terminate(workflowId: string, reason?: string): Promise<void> {
    const run = await this.#summary(workflowId);
    return this.terminateRun(run.workflowId, run.runId, reason);
  }

  signalRun(workflowId: string, runId: string, name: string, payload: unknown): Promise<void> {
    return this.#operations.signal(workflowId, runId, name, payload);
  }

  queryRun(workflowId: string, runId: string, name: string, args: unknown[]): Promise<unknown> {
    return this.#operations.query(workflowId, runId, name, args);
  }

  cancelRun(workflowId: string, runId: string, reason = 'cancelled'): Promise<void> {
    return this.#operations.cancel(workflowId, runId, reason);
  }

  terminateRun(workflowId: string, runId: string, reason = 'terminated'): Promise<void> {
    return this.#operations.terminate(workflowId, runId, reason);
  }

  // ---- serving ----

  /**
   * Serves the local HTTP API, its SSE streams and the dashboard from this
   * process (docs/operations.md). Binds 127.0.0.1 by default; every request
   * needs the generated bearer token, which is written with the address to
   * `<store>/aion-server.json` (mode 0600) when the store is a directory,
   * to `tokenFile` when given, and otherwise only returned. The server
   * module is loaded on first use: an engine that never serves never loads
   * it. The server closes with the engine.
   *
   * @param options `port` (default 0: a free port), `host` (default
   * `'127.0.0.1'`), `tokenFile`.
   * @returns the running server: `url`, `token`, `dashboardUrl`, `close()`.
   * @example
   * ```ts
   * const server = await engine.serve({ port: 7070 });
   * console.log(`dashboard: ${server.dashboardUrl}`);
   * ```
   */
  async serve(
    options: { readonly port?: number; readonly host?: string; readonly tokenFile?: string } = {},
  ) {
    const { startServer } = await import('../server/index.js');
    const store = this.#rt.options.store;
    return startServer(this, {
      ...(typeof store === 'string' ? { storeDir: store } : {}),
      ...options,
    });
  }

  // ---- closing ----

  #assertOpen(): void {
    if (this.#closing !== undefined) throw new EngineClosedError();
  }

  /** Stops accepting calls, lets in-flight appends flush, stops actors. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      await this.#rt.stop();
      if (this.#ownsStore) await this.#rt.store.close();
    })();
    return this.#closing;
  }
}
