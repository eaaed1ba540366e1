import { createIdFactory } from '../core/index.js';
import type { AionError, Clock, EventBody, HistoryEvent, IdFactory } from '../core/index.js';
import type {
  CorruptionListener,
  EventStore,
  RunAppend,
  RunSummary,
  TimerEntry,
} from '../store/index.js';
import { createTimerService } from '../timers/index.js';
import type { TimerService } from '../timers/index.js';
import type { EngineCore } from './engine-core.js';
import { createEngineCore } from './engine-core-impl.js';
import type { ResolvedEngineOptions } from './engine-options.js';
import { recoverRuns } from './recovery.js';
import { Registry } from './registry.js';
import { ResidentRuns } from './resident-runs.js';
import { crashLoopBody, newRunEvents } from './run-events.js';
import type { RunHost } from './run-host.js';
import { createRunHosting } from './run-hosting.js';
import type { RunHosting } from './run-hosting.js';
import { createRunRelations } from './run-relations.js';
import type { RunRelations } from './run-relations.js';
import { RunStreams } from './run-streams.js';
import { RunningIndex } from './running-index.js';
import type { StartPlan } from './start-plan.js';
import {
  corruptRunOf,
  corruptionListener,
  isStoreCorrupt,
  summaryFromHistory,
} from './store-corruption.js';
import { createStoreHealth } from './store-health.js';
import type { StoreHealth } from './store-health.js';

/** What the runtime asks of the public engine: operations by workflow id. */
export interface EngineRuntimeCallbacks {
  signal(workflowId: string, name: string, payload: unknown): Promise<void>;
  cancel(workflowId: string, reason?: string): Promise<void>;
  terminate(workflowId: string, reason?: string): Promise<void>;
  isClosing(): boolean;
}

/**
 * The parts behind an engine and how they are wired: resident runs under
 * the supervision tree, the timer service, relations between runs, streams
 * and the running-run index. The public {@link Engine} validates calls and
 * delegates here; run hosts see only the {@link EngineCore} built here.
 */
export class EngineRuntime {
  readonly options: ResolvedEngineOptions;
  readonly store: EventStore;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly ids: IdFactory;
  readonly streams: RunStreams;
  readonly running = new RunningIndex();
  readonly timers: TimerService;
  readonly hosting: RunHosting;
  readonly runs: ResidentRuns;
  readonly relations: RunRelations;
  readonly storeHealth: StoreHealth;
  readonly core: EngineCore;
  /**
   * Takes each damaged record a tolerant read skipped (timer pages,
   * listings): its run is blocked, or the record reported on
   * `supervision$` when it names no run.
   */
  readonly onCorrupt: CorruptionListener;
  readonly #callbacks: EngineRuntimeCallbacks;

  constructor(
    options: ResolvedEngineOptions,
    store: EventStore,
    callbacks: EngineRuntimeCallbacks,
  ) {
    this.options = options;
    this.store = store;
    this.#callbacks = callbacks;
    this.clock = options.clock;
    this.registry = new Registry(options.workflows, options.activities);
    this.ids = options.ids ?? createIdFactory();
    this.streams = new RunStreams(() => this.store);
    this.onCorrupt = corruptionListener({
      block: (run, error) => this.runs.block(run, error),
      report: (error) => this.hosting.report({ type: 'fault', path: ['engine', 'store'], error }),
    });
    this.timers = createTimerService({
      store,
      clock: this.clock,
      onDue: (entry) => this.#timerDue(entry),
      onError: (error) => this.hosting.report({ type: 'fault', path: ['engine', 'timers'], error }),
      onCorrupt: this.onCorrupt,
    });
    this.hosting = createRunHosting({
      clock: this.clock,
      intensity: options.runIntensity,
      backoff: options.runBackoff,
      workflowTypes: this.registry.workflowTypes(),
      onCrashLoop: (host, error) => this.#crashLoop(host, error),
      stopTimers: () => this.timers.stop(),
      serviceStatus: (id) => (id === 'store' && !this.storeHealth.writable ? 'faulty' : undefined),
    });
    this.storeHealth = createStoreHealth({
      clock: this.clock,
      report: (report) => this.hosting.report({ ...report, path: ['engine', 'store'] }),
    });
    this.runs = new ResidentRuns({
      store,
      registry: this.registry,
      hosting: this.hosting,
      clock: this.clock,
      core: () => this.core,
      idleTimeoutMs: options.idleTimeoutMs,
      maxResidentRuns: options.maxResidentRuns,
    });
    this.relations = createRunRelations({
      store,
      wake: (workflowId, runId) => this.runs.wake(workflowId, runId),
      signal: (workflowId, name, payload) => callbacks.signal(workflowId, name, payload),
      cancel: (workflowId, reason) => callbacks.cancel(workflowId, reason),
      terminate: (workflowId, reason) => callbacks.terminate(workflowId, reason),
      report: (error) => this.hosting.report({ type: 'fault', path: ['engine'], error }),
      whenWritable: () => this.storeHealth.whenWritable(),
    });
    this.core = createEngineCore(this, callbacks, (workflowType, events, extra) =>
      this.#published(workflowType, events, extra),
    );
  }

  /**
   * Recovers every non-terminal run and starts the timers (on open). What
   * recovery reports on `supervision$` is held until the turn after it,
   * when the caller of `Engine.open` has subscribed: a run blocked during
   * recovery is reported to it, not to no one.
   */
  async recover(): Promise<void> {
    this.hosting.hold();
    try {
      await this.#recover();
    } finally {
      setImmediate(() => this.hosting.release());
    }
  }

  #recover(): Promise<void> {
    return recoverRuns({
      store: this.store,
      running: this.running,
      runs: this.runs,
      timers: this.timers,
      maxResidentRuns: this.options.maxResidentRuns,
      onCorrupt: (error) => {
        // A run in the non-terminal index is running, however damaged: no
        // second run may start under its workflow id.
        const run = corruptRunOf(error);
        if (run !== undefined) this.running.set(run.workflowId, run.runId);
        this.onCorrupt(error);
      },
    });
  }

  /**
   * What `describe()` shows of a blocked run whose summary is damaged: the
   * summary projected from its history (nothing is repaired). Any other
   * error is rethrown.
   */
  async damagedSummary(error: unknown): Promise<RunSummary> {
    const run = isStoreCorrupt(error) ? corruptRunOf(error) : undefined;
    if (run === undefined || this.runs.blockedError(run.workflowId, run.runId) === undefined) {
      throw error;
    }
    return summaryFromHistory(this.store, error as AionError);
  }

  /**
   * Commits a new run's first events in one batch and hosts it once they
   * are durable.
   *
   * @returns the new run's id.
   */
  async startRun(plan: StartPlan, after: readonly EventBody[]): Promise<string> {
    const { def, workflowId } = plan;
    const runId = this.ids(this.clock.now());
    const events = newRunEvents({
      workflowId,
      runId,
      workflowType: def.name,
      input: plan.input,
      recordedAt: this.clock.now(),
      executionTimeoutMs: plan.timeoutMs,
      after,
    });
    // Straight to the store, even during a fault: a start is refused at once
    // when the store still cannot write, and the first that succeeds ends
    // the fault.
    const ticket = this.storeHealth.sent();
    try {
      await this.store.commit([{ workflowId, runId, expectedSeq: 0, events }]);
    } catch (error) {
      this.storeHealth.failed(error);
      throw error;
    }
    this.storeHealth.succeeded(ticket);
    // The execution timeout's timer is committed here, not by the run's
    // recorder: arm it like the recorder arms the timers it commits.
    for (const event of events) {
      if (event.type === 'TimerStarted') this.timers.notify(event.fireAt);
    }
    this.#publish(events, def.name);
    this.runs.host(def, { workflowId, runId }, events.length, events);
    return runId;
  }

  /** Stops timers, residency and every actor, and lets in-flight appends flush. */
  async stop(): Promise<void> {
    this.timers.stop();
    this.runs.stop();
    // Appends held by a store fault give up: they were never acknowledged.
    this.storeHealth.close();
    await this.hosting.stopAll();
    await Promise.all(
      [...this.runs.values()].map((host) => host.recorder.idle().catch(() => undefined)),
    );
    this.streams.complete();
  }

  /** Publishes durable events and keeps the running-run index current. */
  #publish(events: readonly HistoryEvent[], workflowType: string): void {
    this.running.apply(events);
    this.streams.publish(events, workflowType);
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
      const def = this.registry.findWorkflow(first.workflowType);
      if (def === undefined || this.#callbacks.isClosing()) continue;
      this.runs.host(def, append, append.events.length, [...append.events]);
    }
  }

  #timerDue(entry: TimerEntry): void {
    const host = this.runs.get(entry.workflowId, entry.runId);
    if (host !== undefined) {
      host.timerDue(entry);
      return;
    }
    // A suspended run wakes for its timer. An entry of a run that cannot be
    // hosted (unregistered type) stays in flight, so it is not read again
    // until a restart.
    this.runs.wake(entry.workflowId, entry.runId).then(
      (woken) => woken?.timerDue(entry),
      (error: unknown) => this.hosting.report({ type: 'fault', path: ['engine', 'timers'], error }),
    );
  }

  #crashLoop(host: RunHost, error: unknown): void {
    host
      .end(crashLoopBody(error, this.options.runIntensity))
      .catch((failure: unknown) =>
        this.hosting.report({ type: 'fault', path: ['engine'], error: failure }),
      );
  }
}
