import { AionError, ErrorCode, isTerminalEventType, toErrorInfo } from '../core/index.js';
import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import { RunExecution, WorkLedger, isCodeCompletion } from '../run/index.js';
import type {
  AttemptOutput,
  AttemptRun,
  AttemptSpawn,
  ExecutionHost,
  ExecutionOutcome,
  RunActorEvent,
  RunActorHost,
} from '../run/index.js';
import type { RunAppend, TimerEntry } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { EngineCore } from './engine-core.js';
import { terminalBody } from './outcome-events.js';
import { RunActivities } from './run-activities.js';
import { RunChildren } from './run-children.js';
import { cancelActivityBodies, closingBodies, nextRunAppend } from './run-ending.js';
import { commandRecorder } from './command-recorder.js';
import { Recorder } from './recorder.js';
import { isStoreCorrupt, readRunHistory } from './store-corruption.js';

/** What an incarnation replaced after a store fault waits for: nothing, ever. */
const superseded = (): Promise<void> => new Promise<void>(() => undefined);

/** Where a resident run is in its lifecycle. */
export type RunPhase = 'loading' | 'running' | 'blocked' | 'ending';

/** Sends events to the run's current XState actor (set by the hosting layer). */
export interface RunActorPort {
  send(event: RunActorEvent): void;
}

/**
 * The engine side of one resident run: its single writer, its ledger of
 * outstanding work, and the {@link ExecutionHost} its code drives. It
 * outlives crashes of the run actor: each incarnation of the actor calls
 * `execute`, which rebuilds the execution from the durable history.
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
  #execution: RunExecution | undefined;
  #initialHistory: HistoryEvent[] | undefined;
  #waitingDeliveries: HistoryEvent[] = [];
  #dueWhileLoading: TimerEntry[] = [];
  readonly #children: RunChildren;
  #ended = false;
  readonly #activities: RunActivities;
  #detached = false;
  /**
   * False until the ledger is first built from history: a host woken for a
   * suspended run starts with an empty one.
   */
  #ledgerReady = false;
  #readyWaiters: Array<() => void> = [];
  /** Counts the actor incarnations replaced after a store fault (see #hold). */
  #incarnation = 0;

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
    this.#initialHistory = initialHistory;
    this.recorder = new Recorder(
      ref,
      head,
      core.store,
      core.clock,
      {
        onDurable: (events, extra) => this.#onDurable(events, extra),
        onFailure: (error, lost, storeFault) => this.#writeFailed(error, lost, storeFault),
      },
      core.storeHealth,
    );
    this.#activities = new RunActivities({
      core,
      ref: { workflowId: ref.workflowId, runId: ref.runId },
      recorder: this.recorder,
      ledger: () => this.ledger,
      actor: () => this.actor,
      record: (body) => this.#record(body),
      running: () => this.phase === 'running',
      // A failed recorder takes nothing until the run is rebuilt.
      ended: () => this.#ended || this.recorder.failed,
    });
    this.#children = new RunChildren({
      core,
      ref: { workflowId: ref.workflowId, runId: ref.runId },
      recorder: this.recorder,
      ledger: () => this.ledger,
      record: (body, extra) => this.#record(body, extra),
      outcomeTiming: () => {
        if (this.#ended || this.phase === 'ending') return 'never';
        // Decided once the ledger is rebuilt: replay may already hold it.
        const loading = this.phase === 'loading' || this.phase === 'blocked';
        return loading || this.recorder.failed ? 'later' : 'now';
      },
    });
  }

  /** The execution of the current incarnation, once loaded. */
  get execution(): RunExecution | undefined {
    return this.#execution;
  }

  /**
   * True when the run only waits (timer, signal, child): live, no attempt
   * running, nothing to record or deliver. Only then may it be suspended.
   */
  get quiescent(): boolean {
    const execution = this.#execution;
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

  async execute(report: (phase: 'replaying' | 'running' | 'blocked') => void): Promise<void> {
    const incarnation = this.#incarnation;
    try {
      await this.#execute(report);
    } catch (error) {
      // An incarnation replaced after a store fault ends quietly: its
      // successor rebuilds the run, and the fault is no crash of the run.
      if (incarnation !== this.#incarnation) return superseded();
      throw error;
    } finally {
      // A crash or an early end must not leave those waiting for the replay hanging.
      for (const wake of this.#readyWaiters.splice(0)) wake();
    }
  }

  /** True once the run ends or is ending (a method: the phase changes across awaits). */
  #endingOrEnded(): boolean {
    return this.#ended || this.phase === 'ending';
  }

  /**
   * Resolves once the ledger was built from history, or the load that was
   * to build it stopped; `undefined` when it is built already. Callers await
   * only a promise: once the ledger is built they must go on in the same
   * turn, or a timer or completion handled meanwhile would come between
   * (an execution timeout that fired was recorded cancelled instead).
   */
  #ledgerBuilt(): Promise<void> | undefined {
    return this.#ledgerReady ? undefined : this.loaded();
  }

  /**
   * Resolves once the current incarnation is past loading: its replay is over
   * (running, blocked or ending), or it stopped (crash, already ended).
   */
  loaded(): Promise<void> {
    if (this.phase !== 'loading') return Promise.resolve();
    return new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
  }

  async #execute(report: (phase: 'replaying' | 'running' | 'blocked') => void): Promise<void> {
    const incarnation = this.#incarnation;
    this.phase = 'loading';
    // Completions that become durable from here on are buffered for the new
    // execution (which drops those its history already holds): the previous
    // incarnation's execution, if any, is settled and would lose them.
    this.#execution = undefined;
    await this.recorder.idle();
    // The write it waited for failed with a store fault: a new incarnation
    // rebuilds the run (see #writeFailed), and this one must not run too.
    if (incarnation !== this.#incarnation) return superseded();
    this.recorder.reset();
    let history: HistoryEvent[];
    try {
      history =
        this.#initialHistory ??
        (await readRunHistory(this.#core.store, this, this.recorder.durableHead));
    } catch (error) {
      if (!isStoreCorrupt(error)) throw error;
      return this.#corrupt(error, report);
    }
    if (incarnation !== this.#incarnation) return superseded();
    this.#initialHistory = undefined;
    this.ledger = WorkLedger.from(history);
    this.#ledgerReady = true;
    const first = history[0];
    if (first?.type === 'WorkflowStarted') this.parent = first.parent;
    if (this.ledger.terminal !== undefined) return;
    const execution = new RunExecution({
      definition: this.definition,
      history,
      host: this.#hostFor(),
      maxPayloadBytes: this.#core.maxPayloadBytes,
    });
    const recovered = this.#activities.recovering(this.ledger);
    this.#execution = execution;
    const outcome = execution.run();
    const waiting = this.#waitingDeliveries;
    this.#waitingDeliveries = [];
    const head = history[history.length - 1]?.seq ?? 0;
    for (const event of waiting) {
      // Recorded while loading, after the history was read: the new ledger
      // must know it too.
      if (event.seq > head) this.ledger.apply(event);
      execution.deliver(event);
    }
    await execution.replayed;
    if (!execution.settled) {
      // Timers that came due at any point of the loading, replay included,
      // are taken in the same turn as the phase changes, so none is lost.
      const due = this.#dueWhileLoading.splice(0);
      this.#setPhase('running');
      report('running');
      this.#activities.resume(recovered);
      if (this.ledger.cancelRequested !== undefined) this.#children.cancelAll();
      for (const entry of due) this.timerDue(entry);
      this.#children.resume();
      if (this.parent !== undefined) this.#core.adoptOrphan(this);
    }
    this.#activities.recovered();
    const ended = await outcome;
    if (ended.type === 'blocked' && this.#core.onNondeterminism === 'block') {
      this.blocked = ended.error;
      this.#setPhase('blocked');
      report('blocked');
      this.#core.runBlocked(this.workflowId, this.runId, ended.error);
      return new Promise<void>(() => undefined);
    }
    await this.#finish(ended);
  }

  /**
   * A damaged record in the run's history (`STORE_CORRUPT`): the run is
   * blocked and leaves memory, and it is never failed or restarted, since
   * replaying a history that cannot be read whole would redo, differently,
   * what was already recorded. Restoring the store resumes it.
   */
  #corrupt(
    error: AionError,
    report: (phase: 'replaying' | 'running' | 'blocked') => void,
  ): Promise<void> {
    this.blocked = error;
    this.#setPhase('blocked');
    report('blocked');
    this.#core.runCorrupt(this, error);
    return new Promise<void>(() => undefined);
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
    if (this.phase === 'loading' || this.recorder.failed) {
      // The ledger is rebuilt from history once loaded; decide then.
      this.#dueWhileLoading.push(entry);
      return;
    }
    // A blocked run records nothing. The entry stays in flight, so the timer
    // service does not hand it out again before a reopen with fixed code.
    if (this.phase === 'blocked') return;
    const timer = this.ledger.timers.get(entry.timerId);
    if (timer === undefined || this.#ended) {
      this.#core.timerReleased(entry);
      return;
    }
    if (timer.kind === 'execution') {
      if (this.phase === 'ending') return;
      // The timer fired (first recorded wins): record that, not its
      // cancellation among the run's other open timers at the end.
      this.#record({ type: 'TimerFired', timerId: entry.timerId, fireAt: entry.fireAt });
      // A failed write is handled where it fails (#writeFailed): the timer
      // is handed out again once the run is rebuilt.
      this.end({ type: 'WorkflowTimedOut', reason: 'execution timeout' }).catch(() => undefined);
      return;
    }
    this.#record({ type: 'TimerFired', timerId: entry.timerId, fireAt: entry.fireAt });
  }

  /**
   * Answers a query against the run's current state once its replay is
   * done; appends nothing.
   *
   * @throws AionError QUERY_NOT_FOUND, QUERY_FAILED, WORKFLOW_NOT_RUNNING.
   */
  async query(name: string, args: readonly unknown[]): Promise<unknown> {
    while (this.phase === 'loading') {
      await new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
    }
    if (this.blocked !== undefined) {
      throw new AionError(ErrorCode.QUERY_FAILED, `the run is blocked: ${this.blocked.message}`, {
        cause: this.blocked,
      });
    }
    const execution = this.#execution;
    if (execution === undefined || this.#ended || this.phase === 'ending') {
      throw new AionError(ErrorCode.WORKFLOW_NOT_RUNNING, 'the run has ended');
    }
    return execution.query(name, args);
  }

  /** Records an event from outside (signal, cancel request) and resolves once durable. */
  async recordExternal(body: EventBody): Promise<HistoryEvent> {
    // A run whose write failed is being rebuilt: record into the new ledger.
    while (this.recorder.failed && this.phase === 'loading') await this.loaded();
    // A repeated cancellation records nothing: ask a ledger that knows.
    if (body.type === 'WorkflowCancelRequested') {
      const building = this.#ledgerBuilt();
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
  async end(body: EventBody): Promise<void> {
    if (this.#ended || this.phase === 'ending') return;
    // A termination comes from outside: refused at once during a store
    // fault. A timeout or a crash loop is the run's own and waits its turn.
    if (body.type === 'WorkflowTerminated') this.#core.storeHealth.assertWritable();
    // The closing events cancel what the ledger holds open: it must be built.
    const building = this.#ledgerBuilt();
    if (building !== undefined) {
      await building;
      if (this.#endingOrEnded()) return;
    }
    this.#setPhase('ending');
    this.#execution?.crash(new AionError(ErrorCode.WORKFLOW_TERMINATED, 'run ended'));
    this.#core.stopRunActor(this.workflowId, this.runId);
    await this.#recordTerminal(body);
  }

  // ---- ending ----

  async #finish(outcome: ExecutionOutcome): Promise<void> {
    // Ended from outside (termination, timeout) between the code's end and
    // here: that end is the run's one terminal event.
    if (this.#endingOrEnded()) return;
    this.#setPhase('ending');
    let extra: RunAppend | undefined;
    let body: EventBody;
    if (outcome.type === 'continuedAsNew') {
      let next: RunAppend;
      try {
        // A type this engine cannot run would start a next run that is
        // blocked for good: the code asked for something impossible, so
        // the run fails, as it does for a result that cannot be stored.
        this.#core.registry.workflow(outcome.workflowType ?? this.definition.name);
        next = this.#nextRun(outcome.input, outcome.workflowType);
      } catch (error) {
        await this.#recordTerminal({ type: 'WorkflowFailed', error: toErrorInfo(error) });
        return;
      }
      this.successorRunId = next.runId;
      body = {
        type: 'WorkflowContinuedAsNew',
        input: outcome.input,
        nextRunId: next.runId,
        ...(outcome.workflowType === undefined ? {} : { workflowType: outcome.workflowType }),
      };
      extra = next;
    } else {
      body = terminalBody(outcome, this.#core.maxPayloadBytes);
    }
    await this.#recordTerminal(body, extra);
  }

  #nextRun(input: unknown, workflowType: string | undefined): RunAppend {
    return nextRunAppend(this.#core, {
      workflowId: this.workflowId,
      previousRunId: this.runId,
      workflowType: workflowType ?? this.definition.name,
      input,
      parent: this.parent,
      carried: this.#execution?.signals.unconsumed() ?? [],
    });
  }

  async #recordTerminal(body: EventBody, extra?: RunAppend): Promise<void> {
    for (const activity of this.ledger.activities.values()) this.#activities.stop(activity);
    for (const closing of closingBodies(this.ledger)) this.#record(closing);
    const terminal = this.#record(body, extra);
    await this.recorder.durable(terminal.seq);
  }

  /** A child of this run ended (its terminal event is durable): record its outcome. */
  childEnded(childWorkflowId: string, terminal: HistoryEvent): void {
    this.#children.ended(childWorkflowId, terminal);
  }

  /**
   * A commit of this run failed: its events, and those recorded behind
   * them, are not stored, and memory is ahead of the store. A timer whose
   * firing was lost is due again. A store fault (disk full, I/O error) is
   * not the run's fault: the run is rebuilt from its history by a new actor
   * at once, not restarted as a crash, so it never burns its restart
   * intensity; its writes then wait for the store (see store-health.ts).
   * Any other failure crashes the run, which its supervisor restarts.
   */
  #writeFailed(error: unknown, lost: readonly HistoryEvent[], storeFault: boolean): void {
    for (const event of lost) {
      if (event.type !== 'TimerFired') continue;
      this.#core.timerReleased(event);
      this.#core.timers.notify(event.fireAt);
    }
    if (storeFault && !this.#ended && !this.#detached && !this.#core.isClosing()) {
      this.#incarnation++;
      // Queries, timers and child outcomes wait for the rebuilt run.
      this.phase = 'loading';
      this.#execution?.crash(error);
      this.#core.rehost(this);
      return;
    }
    this.#execution?.crash(error);
  }

  #setPhase(phase: RunPhase): void {
    this.phase = phase;
    if (phase !== 'loading') for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  // ---- recording and delivery ----

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
    // this event is durable (see #startAttemptAfter and #onDurable).
    if (isCodeCompletion(event)) this.#deliver(event);
    // The activities it cancels are those the delivery above rejected (see
    // #cancelActivities), recorded in the same append when delivered at once.
    if (event.type === 'WorkflowCancelRequested' && this.phase === 'running') {
      this.#children.cancelAll();
    }
    return event;
  }

  #onDurable(events: readonly HistoryEvent[], extra: readonly RunAppend[]): void {
    let terminal: HistoryEvent | undefined;
    for (const event of events) {
      switch (event.type) {
        case 'TimerStarted':
          this.#core.timers.notify(event.fireAt);
          break;
        case 'TimerFired':
        case 'TimerCancelled':
          this.#core.timerReleased(event);
          if (event.type === 'TimerFired') this.#activities.timerFired(event.timerId);
          break;
        case 'SignalSent':
          this.#core.sendSignal(event.targetWorkflowId, event.name, event.payload);
          break;
        default:
          if (isTerminalEventType(event.type)) {
            this.#ended = true;
            terminal = event;
          }
      }
    }
    this.#core.touched(this);
    this.#core.published(this.definition.name, events, extra);
    if (terminal !== undefined) this.#core.runEnded(this, terminal);
  }

  /**
   * Cancellation aborts the in-flight attempts (`actx.signal`) of the
   * activities whose awaits it rejected when it reached the code, and
   * records them cancelled, retry backoffs included. It acts at that
   * delivery, live or in replay (the ledger is the rebuilt one by then), so
   * activities the code schedules after it sees the cancellation, a
   * compensation for one, are left to run.
   */
  #cancelActivities(activityIds: readonly number[]): void {
    if (this.#ended || this.phase === 'ending' || this.phase === 'blocked') return;
    // A failed recorder takes nothing: the rebuilt run's replay delivers it again.
    if (this.recorder.failed) return;
    for (const activityId of activityIds) {
      // Not in the ledger: it completed, failed or was cancelled already.
      const activity = this.ledger.activities.get(activityId);
      if (activity === undefined) continue;
      this.#activities.stop(activity);
      for (const body of cancelActivityBodies(this.ledger, activity)) this.#record(body);
    }
  }

  #deliver(event: HistoryEvent): void {
    // The execution queues deliveries that arrive during its replay and
    // hands them over in order once history is exhausted.
    if (this.#execution === undefined) {
      this.#waitingDeliveries.push(event);
      return;
    }
    this.#execution.deliver(event);
  }

  /**
   * The host an execution drives. Bound to that execution: once it is no
   * longer the current one (a crash replaced it), its commands are ignored.
   */
  #hostFor(): ExecutionHost {
    return commandRecorder({
      core: this.#core,
      ledger: () => this.ledger,
      // Closing, the engine records nothing more: the code's commands are
      // ignored (a reopened engine replays to them), not thrown into the
      // code, or into a delivery that no one awaits.
      isCurrent: () =>
        !this.#detached &&
        !this.#core.isClosing() &&
        this.#execution !== undefined &&
        !this.#execution.settled,
      record: (body, extra) => this.#record(body, extra),
      activityScheduled: (activity, seq) => this.#activities.scheduled(activity, seq),
      startChild: (command, current) => this.#children.start(command, current),
      cancelActivities: (activityIds) => this.#cancelActivities(activityIds),
    });
  }
}
