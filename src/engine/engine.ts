import type { Observable } from 'rxjs';
import {
  AionError,
  EngineClosedError,
  ErrorCode,
  InvalidArgumentError,
  WorkflowAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  assertValidId,
  createIdFactory,
  checkPayload,
  isTerminalEventType,
  parseDuration,
} from '../core/index.js';
import type { Clock, Duration, EventBody, HistoryEvent, IdFactory } from '../core/index.js';
import { LevelStore } from '../store/index.js';
import type { EventStore, ListFilter, RunAppend, RunSummary, TimerEntry } from '../store/index.js';
import { createTimerService } from '../timers/index.js';
import type { TimerService } from '../timers/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import { describeRun, summaryOf } from './describe.js';
import type { WorkflowDescription, WorkflowSummary } from './describe.js';
import type { EngineCore } from './engine-core.js';
import { resolveEngineOptions } from './engine-options.js';
import type { EngineOptions, ResolvedEngineOptions } from './engine-options.js';
import type { OutcomeNotice, TerminalOutcome } from './outcome-events.js';
import { Registry } from './registry.js';
import { resultOf } from './result-errors.js';
import type { RunHost } from './run-host.js';
import { ResidentRuns } from './resident-runs.js';
import { createRunHosting } from './run-hosting.js';
import type { RunHosting, SupervisionEvent, TreeNode } from './run-hosting.js';
import { KeyedLock } from './keyed-lock.js';
import { crashLoopBody, newRunEvents } from './run-events.js';
import { createRunRelations } from './run-relations.js';
import type { RunRelations } from './run-relations.js';
import { RunStreams } from './run-streams.js';
import { createWorkflowHandle } from './workflow-handle.js';
import type { HandleBackend, WorkflowHandle } from './workflow-handle.js';

/** Options of `engine.start`. */
export interface StartOptions {
  /** @default a new ULID */
  readonly workflowId?: string;
  /** Overrides the definition's `executionTimeout`. */
  readonly executionTimeout?: Duration;
  /** Return the running run's handle instead of rejecting with `WORKFLOW_ALREADY_STARTED`. @default false */
  readonly idempotent?: boolean;
}

/** A page of `engine.list()`. */
export interface WorkflowPage {
  readonly items: WorkflowSummary[];
  readonly next?: string;
}

/** A validated start, before its run id is drawn. */
interface StartPlan {
  readonly def: WorkflowDefinition;
  readonly input: unknown;
  readonly workflowId: string;
  readonly timeoutMs: number | undefined;
}

const yieldToMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

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
  readonly #options: ResolvedEngineOptions;
  readonly #store: EventStore;
  readonly #ownsStore: boolean;
  readonly #registry: Registry;
  readonly #clock: Clock;
  readonly #ids: IdFactory;
  readonly #streams: RunStreams;
  readonly #runs: ResidentRuns;
  readonly #idLock = new KeyedLock();
  readonly #running = new Map<string, string>();
  readonly #timers: TimerService;
  readonly #hosting: RunHosting;
  readonly #core: EngineCore;
  readonly #relations: RunRelations;
  #closing: Promise<void> | undefined;

  private constructor(options: ResolvedEngineOptions, store: EventStore, ownsStore: boolean) {
    this.#options = options;
    this.#store = store;
    this.#ownsStore = ownsStore;
    this.#clock = options.clock;
    this.#registry = new Registry(options.workflows, options.activities);
    this.#ids = createIdFactory();
    this.#streams = new RunStreams(() => this.#store);
    this.#timers = createTimerService({
      store,
      clock: this.#clock,
      onDue: (entry) => this.#timerDue(entry),
      onError: (error) =>
        this.#hosting.report({ type: 'fault', path: ['engine', 'timers'], error }),
    });
    this.#hosting = createRunHosting({
      clock: this.#clock,
      intensity: options.runIntensity,
      backoff: options.runBackoff,
      workflowTypes: this.#registry.workflowTypes(),
      onCrashLoop: (host, error) => this.#crashLoop(host, error),
      stopTimers: () => this.#timers.stop(),
    });
    this.#runs = new ResidentRuns({
      store,
      registry: this.#registry,
      hosting: this.#hosting,
      clock: this.#clock,
      core: () => this.#core,
      idleTimeoutMs: options.idleTimeoutMs,
      maxResidentRuns: options.maxResidentRuns,
    });
    this.#relations = createRunRelations({
      store,
      wake: (workflowId, runId) => this.#runs.wake(workflowId, runId),
      signal: (workflowId, name, payload) => this.signal(workflowId, name, payload),
      cancel: (workflowId, reason) => this.cancel(workflowId, reason),
      terminate: (workflowId, reason) => this.terminate(workflowId, reason),
      report: (error) => this.#hosting.report({ type: 'fault', path: ['engine'], error }),
    });
    this.#core = this.#makeCore();
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
    engine.#streams.hold();
    try {
      await engine.#recover();
    } catch (error) {
      await engine.close();
      throw error;
    }
    setImmediate(() => engine.#streams.release());
    return engine;
  }

  /** Every terminal outcome of every run, as it becomes durable (hot). */
  get outcomes$(): Observable<OutcomeNotice> {
    return this.#streams.outcomes.asObservable();
  }

  /** Every history event as it becomes durable (hot firehose). */
  get events$(): Observable<HistoryEvent> {
    return this.#streams.events.asObservable();
  }

  /** Supervision decisions: run actors started, crashed, restarted, stopped. */
  get supervision$(): Observable<SupervisionEvent> {
    return this.#hosting.events$;
  }

  /** A snapshot of the live supervision tree. */
  tree(): TreeNode {
    return this.#hosting.tree();
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
    return this.#idLock.run(plan.workflowId, async () => {
      const running = this.#runningRunId(plan.workflowId);
      if (running !== undefined) {
        if (options.idempotent === true) return this.#handle<O>(plan.workflowId, running);
        throw new WorkflowAlreadyStartedError(plan.workflowId, running);
      }
      return this.#startRun<O>(plan, []);
    });
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
    checkPayload(payload, this.#options.maxPayloadBytes, 'signal payload');
    return this.#idLock.run(plan.workflowId, async () => {
      const running = this.#runningRunId(plan.workflowId);
      if (running !== undefined) {
        await this.signalRun(plan.workflowId, running, name, payload);
        return this.#handle<O>(plan.workflowId, running);
      }
      return this.#startRun<O>(plan, [{ type: 'SignalReceived', name, payload }]);
    });
  }

  /** Validates a start before anything is read or written. */
  #planStart(
    workflow: WorkflowDefinition | string,
    input: unknown,
    options: StartOptions,
  ): StartPlan {
    this.#assertOpen();
    const def = this.#resolveWorkflow(workflow);
    if (typeof options !== 'object' || options === null) {
      throw new InvalidArgumentError('start options must be an object');
    }
    if (options.workflowId !== undefined) assertValidId(options.workflowId, 'workflowId');
    if (options.idempotent !== undefined && typeof options.idempotent !== 'boolean') {
      throw new InvalidArgumentError('idempotent must be a boolean');
    }
    const timeout = options.executionTimeout ?? def.options.executionTimeout;
    const timeoutMs =
      timeout === undefined ? undefined : parseDuration(timeout, 'executionTimeout');
    checkPayload(input, this.#options.maxPayloadBytes, 'workflow input');
    const workflowId = options.workflowId ?? this.#ids(this.#clock.now());
    return { def, input, workflowId, timeoutMs };
  }

  async #startRun<O>(plan: StartPlan, after: readonly EventBody[]): Promise<WorkflowHandle<O>> {
    const { def, workflowId } = plan;
    const runId = this.#ids(this.#clock.now());
    const events = newRunEvents({
      workflowId,
      runId,
      workflowType: def.name,
      input: plan.input,
      recordedAt: this.#clock.now(),
      executionTimeoutMs: plan.timeoutMs,
      after,
    });
    this.#assertOpen();
    await this.#store.commit([{ workflowId, runId, expectedSeq: 0, events }]);
    // The execution timeout's timer is committed here, not by the run's
    // recorder: arm it like the recorder arms the timers it commits.
    for (const event of events) {
      if (event.type === 'TimerStarted') this.#timers.notify(event.fireAt);
    }
    this.#publish(events, def.name);
    this.#runs.host(def, { workflowId, runId }, events.length, events);
    return this.#handle<O>(workflowId, runId);
  }

  /**
   * The running run of a workflow id. This engine is the store's only
   * writer (the store is locked), so an index of running runs loaded at open
   * and kept from durable events is exact, and a start reads nothing.
   */
  #runningRunId(workflowId: string): string | undefined {
    return this.#running.get(workflowId);
  }

  /** Publishes durable events and keeps the running-run index current. */
  #publish(events: readonly HistoryEvent[], workflowType: string): void {
    for (const event of events) {
      if (event.type === 'WorkflowStarted') this.#running.set(event.workflowId, event.runId);
      else if (
        isTerminalEventType(event.type) &&
        this.#running.get(event.workflowId) === event.runId
      ) {
        this.#running.delete(event.workflowId);
      }
    }
    this.#streams.publish(events, workflowType);
  }

  #resolveWorkflow(workflow: WorkflowDefinition | string): WorkflowDefinition {
    if (typeof workflow === 'string') return this.#registry.workflow(workflow);
    if (workflow?.kind !== 'workflow') {
      throw new InvalidArgumentError('start needs a workflow definition or a registered type name');
    }
    const registered = this.#registry.workflow(workflow.name);
    if (registered !== workflow) {
      throw new InvalidArgumentError(
        `a different workflow definition is registered as '${workflow.name}'`,
      );
    }
    return registered;
  }

  // ---- hosting and recovery ----

  async #recover(): Promise<void> {
    const runs = await this.#store.listNonTerminal();
    for (const run of runs) this.#running.set(run.workflowId, run.runId);
    // Runs with work to do now come back first; past the resident limit the
    // rest stay suspended until a timer, signal or child outcome wakes them.
    const waiting = (run: RunSummary): boolean =>
      run.pendingActivities === 0 &&
      (run.lastEventType === 'TimerStarted' || run.lastEventType === 'ChildWorkflowStarted');
    const ordered = [...runs.filter((run) => !waiting(run)), ...runs.filter(waiting)];
    const eager = ordered.slice(0, this.#options.maxResidentRuns);
    const hosts = eager.flatMap((run) => this.#runs.adopt(run) ?? []);
    // Overdue timers fire in fireAt order across runs (SPEC section 5) only
    // if every run can take its due timers when they are read: let the
    // recovered runs finish their replay first.
    await Promise.all(hosts.map((host) => host.loaded()));
    await this.#timers.start();
  }

  #timerDue(entry: TimerEntry): void {
    const host = this.#runs.get(entry.workflowId, entry.runId);
    if (host !== undefined) {
      host.timerDue(entry);
      return;
    }
    // A suspended run wakes for its timer. An entry of a run that cannot be
    // hosted (unregistered type) stays in flight, so it is not read again
    // until a restart.
    this.#runs.wake(entry.workflowId, entry.runId).then(
      (woken) => woken?.timerDue(entry),
      (error: unknown) =>
        this.#hosting.report({ type: 'fault', path: ['engine', 'timers'], error }),
    );
  }

  #crashLoop(host: RunHost, error: unknown): void {
    host
      .end(crashLoopBody(error, this.#options.runIntensity))
      .catch((failure: unknown) =>
        this.#hosting.report({ type: 'fault', path: ['engine'], error: failure }),
      );
  }

  #makeCore(): EngineCore {
    return {
      store: this.#store,
      clock: this.#clock,
      registry: this.#registry,
      timers: this.#timers,
      newRunId: this.#ids,
      maxPayloadBytes: this.#options.maxPayloadBytes,
      onNondeterminism: this.#options.onNondeterminism,
      isClosing: () => this.#closing !== undefined,
      published: (workflowType, events, extra) => this.#published(workflowType, events, extra),
      timerReleased: (entry) => this.#timers.release(entry),
      runEnded: (host, terminal) => {
        this.#runs.ended(host);
        this.#relations.runEnded(host, terminal);
      },
      touched: (host) => this.#runs.touched(host),
      runningRunId: (workflowId) => this.#runningRunId(workflowId),
      sendSignal: (target, name, payload) => this.#relations.sendSignal(target, name, payload),
      cancelChild: (childWorkflowId) => this.#relations.cancelChild(childWorkflowId),
      adoptOrphan: (host) => this.#relations.adoptOrphan(host),
      childOutcome: (childWorkflowId, childRunId) =>
        this.#relations.childOutcome(childWorkflowId, childRunId),
      stopRunActor: (workflowId, runId) => this.#hosting.stop(workflowId, runId),
      runBlocked: (workflowId, runId, error) =>
        this.#hosting.report({ type: 'blocked', path: ['engine', 'workflows', runId], error }),
      yieldToMicrotasks,
    };
  }

  #published(
    workflowType: string,
    events: readonly HistoryEvent[],
    extra: readonly RunAppend[],
  ): void {
    this.#publish(events, workflowType);
    for (const append of extra) {
      const first = append.events[0];
      if (first?.type !== 'WorkflowStarted') continue;
      this.#publish(append.events, first.workflowType);
      const def = this.#registry.findWorkflow(first.workflowType);
      if (def === undefined || this.#closing !== undefined) continue;
      this.#runs.host(def, append, append.events.length, [...append.events]);
    }
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
    const id = runId ?? (await this.#store.getLatestRunId(workflowId));
    const run = id === undefined ? undefined : await this.#store.getRun(workflowId, id);
    if (run === undefined) throw new WorkflowNotFoundError(workflowId, runId);
    return run;
  }

  /** What the engine knows about a run: status, residency, pending work, restarts. */
  async describe(workflowId: string, runId?: string): Promise<WorkflowDescription> {
    const run = await this.#summary(workflowId, runId);
    const host = this.#runs.get(run.workflowId, run.runId);
    const blocked = host?.blocked ?? this.#runs.blockedError(run.workflowId, run.runId);
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
    return this.#store.readHistory(run.workflowId, run.runId);
  }

  /** Runs by status, type and start time, newest first, one page at a time. */
  async list(filter: ListFilter = {}): Promise<WorkflowPage> {
    this.#assertOpen();
    const page = await this.#store.listRuns(filter);
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
      const subscription = this.#streams
        .outcomeOf$(workflowId, runId)
        .subscribe({ next: resolve, error: reject });
      void subscription;
    });
  }

  outcomeOf$(workflowId: string, runId: string): Observable<TerminalOutcome> {
    return this.#streams.outcomeOf$(workflowId, runId);
  }

  eventsOf$(workflowId: string, runId: string): Observable<HistoryEvent> {
    return this.#streams.eventsOf$(workflowId, runId);
  }

  // ---- operating runs ----

  /** Signals the latest run of a workflow. */
  async signal(workflowId: string, name: string, payload?: unknown): Promise<void> {
    const run = await this.#summary(workflowId);
    return this.signalRun(run.workflowId, run.runId, name, payload);
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

  async signalRun(
    workflowId: string,
    runId: string,
    name: string,
    payload: unknown,
  ): Promise<void> {
    assertValidId(name, 'signal name');
    checkPayload(payload, this.#options.maxPayloadBytes, 'signal payload');
    const host = await this.#runningHost(workflowId, runId);
    try {
      await host.recordExternal({ type: 'SignalReceived', name, payload });
    } catch (error) {
      // A run continuing as new hands its signals on to the next run.
      const next = host.successorRunId;
      if (next === undefined || !(error instanceof AionError)) throw error;
      await host.recorder.idle();
      await this.signalRun(workflowId, next, name, payload);
    }
  }

  async queryRun(
    workflowId: string,
    runId: string,
    name: string,
    args: unknown[],
  ): Promise<unknown> {
    assertValidId(name, 'query name');
    const host = await this.#runningHost(workflowId, runId);
    return host.query(name, args);
  }

  async cancelRun(workflowId: string, runId: string, reason = 'cancelled'): Promise<void> {
    if (typeof reason !== 'string') throw new InvalidArgumentError('reason must be a string');
    const host = await this.#runningHost(workflowId, runId);
    if (host.ledger.cancelRequested !== undefined) return;
    await host.recordExternal({ type: 'WorkflowCancelRequested', reason });
  }

  async terminateRun(workflowId: string, runId: string, reason = 'terminated'): Promise<void> {
    if (typeof reason !== 'string') throw new InvalidArgumentError('reason must be a string');
    const host = await this.#runningHost(workflowId, runId);
    await host.end({ type: 'WorkflowTerminated', reason });
  }

  async #runningHost(workflowId: string, runId: string): Promise<RunHost> {
    // A resident host that has not ended is a running run: no store read.
    const resident = this.#runs.get(workflowId, runId);
    if (resident !== undefined && !resident.ended) {
      this.#assertOpen();
      return resident;
    }
    const run = await this.#summary(workflowId, runId);
    const host = run.status === 'running' ? await this.#runs.wake(workflowId, runId) : undefined;
    if (host === undefined || host.ended) {
      const blocked = this.#runs.blockedError(workflowId, runId);
      if (blocked !== undefined) throw blocked;
      throw new WorkflowNotRunningError(workflowId, runId, run.status);
    }
    return host;
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
    const store = this.#options.store;
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
      this.#timers.stop();
      this.#runs.stop();
      await this.#hosting.stopAll();
      await Promise.all(
        [...this.#runs.values()].map((host) => host.recorder.idle().catch(() => undefined)),
      );
      this.#streams.complete();
      if (this.#ownsStore) await this.#store.close();
    })();
    return this.#closing;
  }
}
