import type { Observable } from 'rxjs';
import {
  AionError,
  EngineClosedError,
  ErrorCode,
  InvalidArgumentError,
  WorkflowAlreadyStartedError,
  WorkflowNotFoundError,
  assertValidId,
  checkPayload,
} from '../core/index.js';
import type { EventBody, HistoryEvent } from '../core/index.js';
import { LevelStore } from '../store/index.js';
import type { AdmissionRelease, EventStore, ListFilter, RunSummary } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import { describeRun, summaryOf } from './describe.js';
import type { WorkflowDescription, WorkflowSummary } from './describe.js';
import { resolveEngineOptions } from './engine-options.js';
import type { EngineOptions, ResolvedEngineOptions } from './engine-options.js';
import { EngineRuntime } from './engine-runtime.js';
import { engineStats } from './engine-stats.js';
import type { EngineStats } from './engine-stats.js';
import { KeyedLock } from './keyed-lock.js';
import type { OutcomeNotice, TerminalOutcome } from './outcome-events.js';
import { resultOf } from './result-errors.js';
import type { SupervisionEvent, TreeNode } from './run-hosting.js';
import { RunOperations } from './run-operations.js';
import { admitWrite, withAdmission } from './write-admission-gate.js';
import type { SignalAdmission } from './run-operations.js';
import { planStart } from './start-plan.js';
import type { StartOptions, StartPlan } from './start-plan.js';
import { createWorkflowHandle } from './workflow-handle.js';
import type { HandleBackend, WorkflowHandle } from './workflow-handle.js';

export type { StartOptions } from './start-plan.js';

/** A page of `engine.list()`. */
export interface WorkflowPage {
  readonly items: WorkflowSummary[];
  readonly next?: string;
}

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
  readonly #idLock = new KeyedLock();
  readonly #operations: RunOperations;
  #closing: Promise<void> | undefined;

  private constructor(options: ResolvedEngineOptions, store: EventStore, ownsStore: boolean) {
    this.#ownsStore = ownsStore;
    this.#rt = new EngineRuntime(options, store, {
      // A signal one run sends another never waits for room in the store.
      signal: (workflowId, name, payload) => this.#signalLatest(workflowId, name, payload, 'none'),
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
    return engineStats(this.#rt, this.#idLock);
  }

  // ---- starting ----

  /**
   * Starts a run of a registered workflow.
   *
   * @throws `UNKNOWN_WORKFLOW_TYPE`, `INVALID_ARGUMENT`, `PAYLOAD_*`,
   * `WORKFLOW_ALREADY_STARTED` (unless `idempotent`), `ENGINE_CLOSED`.
   */
  async start<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    options: StartOptions = {},
  ): Promise<WorkflowHandle<O>> {
    const plan = this.#planStart(workflow, input, options);
    return this.#idLock.run(plan.workflowId, () =>
      this.#admitted(async (release) => {
        const running = this.#rt.running.get(plan.workflowId);
        if (running !== undefined) {
          if (options.idempotent === true) return this.#handle<O>(plan.workflowId, running);
          throw new WorkflowAlreadyStartedError(plan.workflowId, running);
        }
        return this.#startRun<O>(plan, [], release);
      }),
    );
  }

  /**
   * Signals the running run of `workflowId`, or starts one and records the
   * signal in the same atomic batch as its start.
   *
   * @throws as `start` and `signal`.
   */
  async signalWithStart<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    name: string,
    payload: unknown,
    options: StartOptions & { readonly workflowId: string },
  ): Promise<WorkflowHandle<O>> {
    if (typeof options?.workflowId !== 'string') {
      throw new InvalidArgumentError('signalWithStart needs options.workflowId');
    }
    const plan = this.#planStart(workflow, input, options);
    assertValidId(name, 'signal name');
    checkPayload(payload, this.#rt.options.maxPayloadBytes, 'signal payload');
    return this.#idLock.run(plan.workflowId, async () => {
      for (let tries = 1; ; tries++) {
        const done = await this.#admitted(async (release) => {
          const running = this.#rt.running.get(plan.workflowId);
          if (running === undefined) {
            return this.#startRun<O>(plan, [{ type: 'SignalReceived', name, payload }], release);
          }
          try {
            await this.#operations.signal(plan.workflowId, running, name, payload, release);
          } catch (error) {
            // The run was ending (its terminal event recorded, not yet
            // durable): it takes no more signals, and once its end is
            // durable none is running, so the signal starts a new run.
            const ending =
              error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_RUNNING;
            if (!ending || tries >= 3) throw error;
            return running;
          }
          return this.#handle<O>(plan.workflowId, running);
        });
        if (typeof done !== 'string') return done;
        // Its end is published (and the running index updated) once the
        // run's writer has nothing left in flight.
        const ending = this.#rt.runs.get(plan.workflowId, done);
        await ending?.recorder.idle().catch(() => undefined);
      }
    });
  }

  #planStart(
    workflow: WorkflowDefinition | string,
    input: unknown,
    options: StartOptions,
  ): StartPlan {
    this.#assertOpen();
    const rt = this.#rt;
    const context = {
      registry: rt.registry,
      ids: rt.ids,
      clock: rt.clock,
      maxPayloadBytes: rt.options.maxPayloadBytes,
    };
    return planStart(context, workflow, input, options);
  }

  async #startRun<O>(
    plan: StartPlan,
    after: readonly EventBody[],
    release: AdmissionRelease,
  ): Promise<WorkflowHandle<O>> {
    this.#assertOpen();
    // startRun hands its commit to the store before its first await: from
    // here on the commit counts in the store's queue, not the admission.
    const started = this.#rt.startRun(plan, after);
    release();
    const runId = await started;
    return this.#handle<O>(plan.workflowId, runId);
  }

  /**
   * Backpressure (docs/storage.md): runs `work` once the store has room for
   * a write from outside the runs. Starts check for a running run inside
   * `work`, after the wait, so what they find is still true when they commit.
   */
  #admitted<T>(work: (release: AdmissionRelease) => Promise<T>): Promise<T> {
    return withAdmission(this.#rt.store, () => this.#closing !== undefined, work);
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
    const host = this.#rt.runs.get(run.workflowId, run.runId);
    const blocked =
      host?.blocked ??
      (run.status === 'running'
        ? this.#rt.runs.blockedError(run.workflowId, run.runId)
        : undefined);
    const code = blocked instanceof AionError ? blocked.code : ErrorCode.NONDETERMINISM;
    return describeRun(run, {
      resident: host !== undefined,
      restarts: host?.restarts ?? 0,
      ...(blocked === undefined ? {} : { blocked: { code, message: blocked.message } }),
      ...(host === undefined ? {} : { phase: host.phase }),
    });
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

  async resultOf(workflowId: string, runId: string): Promise<unknown> {
    let current = runId;
    for (;;) {
      const outcome = await this.#awaitOutcome(workflowId, current);
      if (outcome.type !== 'continuedAsNew') return resultOf(workflowId, outcome);
      current = outcome.nextRunId;
    }
  }

  #awaitOutcome(workflowId: string, runId: string): Promise<TerminalOutcome> {
    return new Promise<TerminalOutcome>((resolve, reject) => {
      const subscription = this.#rt.streams
        .outcomeOf$(workflowId, runId)
        .subscribe({ next: resolve, error: reject });
      void subscription;
    });
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
    return this.#signalLatest(workflowId, name, payload, 'wait');
  }

  async #signalLatest(
    workflowId: string,
    name: string,
    payload: unknown,
    admission: SignalAdmission,
  ): Promise<void> {
    const run = await this.#summary(workflowId);
    return this.#operations.signal(run.workflowId, run.runId, name, payload, admission);
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
