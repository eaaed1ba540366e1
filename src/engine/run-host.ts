import { AionError, ErrorCode, isTerminalEventType } from '../core/index.js';
import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import { WorkLedger, isCodeCompletion } from '../run/index.js';
import type {
  AttemptOutput,
  AttemptRun,
  AttemptSpawn,
  RunActorEvent,
  RunActorHost,
  RunExecution,
} from '../run/index.js';
import type { RunAppend, TimerEntry } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { EngineCore } from './engine-core.js';
import { Recorder } from './recorder.js';
import { RunActivities } from './run-activities.js';
import { RunChildren } from './run-children.js';
import { RunEnding } from './run-ending.js';
import { RunFaults } from './run-host-faults.js';
import { RunLoader } from './run-loader.js';
import { RunTimers } from './run-timers.js';

/** Where a resident run is in its lifecycle. */
export type RunPhase = 'loading' | 'running' | 'blocked' | 'ending';

/** How an incarnation tells its run actor where it is. */
export type PhaseReport = (phase: 'replaying' | 'running' | 'blocked') => void;

/** Sends events to the run's current XState actor (set by the hosting layer). */
export interface RunActorPort {
  send(event: RunActorEvent): void;
}

/**
 * The engine side of one resident run: its single writer, its ledger of
 * outstanding work, and the parts that drive it (loading, activities,
 * timers, children, ending, faults). It outlives crashes of the run actor:
 * each incarnation of the actor calls `execute`, which rebuilds the
 * execution from the durable history (see {@link RunLoader}).
 */
export class RunHost implements RunActorHost {
  readonly workflowId: string;
  readonly runId: string;
  readonly definition: WorkflowDefinition;
  readonly recorder: Recorder;
  ledger = new WorkLedger();
  phase: RunPhase = 'loading';
  restarts = 0;
  blocked: Error | undefined;
  actor: RunActorPort | undefined;
  /** The next run, once this one continued as new. */
  successorRunId: string | undefined;
  /** The parent run, for a child workflow (from its `WorkflowStarted`). */
  parent: RunRef | undefined;

  readonly #core: EngineCore;
  readonly #activities: RunActivities;
  readonly #timers: RunTimers;
  readonly #children: RunChildren;
  readonly #faults: RunFaults;
  readonly #loader: RunLoader;
  readonly #ending: RunEnding;
  #ended = false;
  #detached = false;

  constructor(
    core: EngineCore,
    definition: WorkflowDefinition,
    ref: { workflowId: string; runId: string },
    head: number,
    initialHistory?: HistoryEvent[],
  ) {
    this.#core = core;
    this.workflowId = ref.workflowId;
    this.runId = ref.runId;
    this.definition = definition;
    this.recorder = new Recorder(
      ref,
      head,
      core.store,
      core.clock,
      {
        onDurable: (events, extra) => this.#onDurable(events, extra),
        onFailure: (error, lost, storeFault) => {
          this.#timers.lost(lost);
          this.#faults.writeFailed(error, storeFault);
        },
      },
      core.storeHealth,
    );
    // Every part's port is a literal of its own, never a spread of a shared
    // one: a spread here gave each resident run a dozen hidden classes of
    // its own (about 3.5 KB per run, measured with heap snapshots).
    const runRef: RunRef = { workflowId: ref.workflowId, runId: ref.runId };
    const record = (body: EventBody, extra?: RunAppend): HistoryEvent => this.#record(body, extra);
    const ledger = (): WorkLedger => this.ledger;
    this.#activities = new RunActivities({
      core,
      ref: runRef,
      recorder: this.recorder,
      ledger,
      record,
      actor: () => this.actor,
      running: () => this.phase === 'running',
      // A failed recorder takes nothing until the run is rebuilt.
      ended: () => this.#ended || this.recorder.failed,
    });
    this.#timers = new RunTimers({
      core,
      ledger,
      record,
      phase: () => this.phase,
      ended: () => this.#ended,
      failed: () => this.recorder.failed,
      end: (body) => this.end(body),
    });
    this.#children = new RunChildren({
      core,
      ref: runRef,
      recorder: this.recorder,
      ledger,
      record,
      outcomeTiming: () => {
        if (this.#ended || this.phase === 'ending') return 'never';
        // Decided once the ledger is rebuilt: replay may already hold it.
        const loading = this.phase === 'loading' || this.phase === 'blocked';
        return loading || this.recorder.failed ? 'later' : 'now';
      },
    });
    this.#faults = new RunFaults({
      core,
      host: this,
      gone: () => this.#ended || this.#detached,
      execution: () => this.#loader.execution,
      reload: () => {
        this.phase = 'loading';
      },
      block: (error, report) => this.#loader.block(error, report),
    });
    this.#loader = new RunLoader(
      {
        core,
        host: this,
        activities: this.#activities,
        record,
        faults: this.#faults,
        children: this.#children,
        timers: this.#timers,
        detached: () => this.#detached,
        finish: (outcome) => this.#ending.finish(outcome),
      },
      initialHistory,
    );
    this.#ending = new RunEnding({
      core,
      host: this,
      activities: this.#activities,
      record,
      loader: this.#loader,
    });
  }

  /** The execution of the current incarnation, once loaded. */
  get execution(): RunExecution | undefined {
    return this.#loader.execution;
  }

  /**
   * True when the run only waits (timer, signal, child): live, no attempt
   * running, nothing to record or deliver. Only then may it be suspended.
   */
  get quiescent(): boolean {
    const execution = this.#loader.execution;
    return (
      !this.#detached &&
      this.phase === 'running' &&
      !this.#activities.busy &&
      this.recorder.head === this.recorder.durableHead &&
      execution !== undefined &&
      !execution.settled &&
      !execution.delivering
    );
  }

  /**
   * Detaches this host for suspension: nothing it still holds may record.
   * The engine stops its actor and forgets it; a wake-up builds a new host
   * from the store.
   */
  detach(): void {
    this.#detached = true;
  }

  /** True once the run's terminal event is durable. */
  get ended(): boolean {
    return this.#ended;
  }

  // ---- lifecycle (called by the run actor) ----

  attach(self: RunActorPort): void {
    this.actor = self;
  }

  detachActor(self: RunActorPort): void {
    // A later incarnation may have attached already.
    if (this.actor === self) this.actor = undefined;
  }

  execute(report: PhaseReport): Promise<void> {
    return this.#loader.execute(report);
  }

  /**
   * Resolves once the current incarnation is past loading: its replay is over
   * (running, blocked or ending), or it stopped (crash, already ended).
   */
  loaded(): Promise<void> {
    return this.#loader.loaded();
  }

  attempt(request: AttemptSpawn): AttemptRun {
    return this.#activities.attempt(request);
  }

  attemptDone(output: AttemptOutput): void {
    this.#activities.attemptDone(output);
  }

  // ---- engine-driven events ----

  /** A due timer of this run: record it fired; the rest happens once durable. */
  timerDue(entry: TimerEntry): void {
    this.#timers.due(entry);
  }

  /**
   * Answers a query against the run's current state once its replay is
   * done; appends nothing.
   *
   * @throws AionError QUERY_NOT_FOUND, QUERY_FAILED, WORKFLOW_NOT_RUNNING.
   */
  query(name: string, args: readonly unknown[]): Promise<unknown> {
    return this.#loader.query(name, args);
  }

  /** Records an event from outside (signal, cancel request) and resolves once durable. */
  async recordExternal(body: EventBody): Promise<HistoryEvent> {
    // A run whose write failed is being rebuilt: record into the new ledger.
    while (this.recorder.failed && this.phase === 'loading') await this.loaded();
    // A repeated cancellation records nothing: ask a ledger that knows.
    if (body.type === 'WorkflowCancelRequested') {
      const building = this.#loader.ledgerBuilt();
      if (building !== undefined) await building;
      const requested = this.ledger.cancelRequested;
      if (requested !== undefined) return requested;
    }
    // Nothing may follow the terminal event, and it may already be in the
    // buffer: a run that is ending takes no more events from outside.
    if (this.#ended || this.phase === 'ending') {
      throw new AionError(ErrorCode.WORKFLOW_NOT_RUNNING, 'the run has ended', {
        details: { successorRunId: this.successorRunId },
      });
    }
    // During a store fault a call from outside is refused at once
    // (`STORE_WRITE_FAILED`, nothing recorded) rather than left waiting.
    this.#core.storeHealth.assertWritable();
    const event = this.#record(body);
    await this.recorder.durable(event.seq);
    return event;
  }

  /**
   * Ends the run from outside (termination, timeout): no workflow code runs
   * again; outstanding work is cancelled in the same batch as the terminal
   * event.
   */
  end(body: EventBody): Promise<void> {
    return this.#ending.end(body);
  }

  /** A child of this run ended (its terminal event is durable): record its outcome. */
  childEnded(childWorkflowId: string, terminal: HistoryEvent): void {
    this.#children.ended(childWorkflowId, terminal);
  }

  // ---- recording ----

  /**
   * The run's single recording funnel: every event of the run, whoever
   * records it, is recorded here, applied to the ledger and, when it
   * completes something the code awaits, delivered to it.
   */
  #record(body: EventBody, extra?: RunAppend): HistoryEvent {
    if (this.#detached)
      throw new AionError(ErrorCode.WORKFLOW_NOT_RUNNING, 'the run was suspended');
    if (this.#core.isClosing()) {
      throw new AionError(ErrorCode.ENGINE_CLOSED, 'the engine is closed');
    }
    const event = this.recorder.record(body, extra);
    this.ledger.apply(event);
    // Delivered now, before it is durable, so the code's next commands join
    // the same batch; nothing the code then does acts on the world before
    // this event is durable (see RunActivities.scheduled and #onDurable).
    if (isCodeCompletion(event)) this.#loader.deliver(event);
    // The activities it cancels are those the delivery above rejected (see
    // RunActivities.cancelDelivered), recorded in the same append when
    // delivered at once.
    if (event.type === 'WorkflowCancelRequested' && this.phase === 'running') {
      this.#children.cancelAll();
    }
    return event;
  }

  /** Events of the run are durable: what they set off may act on the world now. */
  #onDurable(events: readonly HistoryEvent[], extra: readonly RunAppend[]): void {
    let terminal: HistoryEvent | undefined;
    for (const event of events) {
      this.#timers.durable(event);
      if (event.type === 'TimerFired') this.#activities.timerFired(event.timerId);
      else if (event.type === 'SignalSent') {
        this.#core.sendSignal(event.targetWorkflowId, event.name, event.payload);
      } else if (isTerminalEventType(event.type)) {
        this.#ended = true;
        terminal = event;
      }
    }
    this.#core.touched(this);
    this.#core.published(this.definition.name, events, extra);
    if (terminal !== undefined) this.#core.runEnded(this, terminal);
  }
}
