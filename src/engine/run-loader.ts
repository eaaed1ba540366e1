import { AionError, ErrorCode } from '../core/index.js';
import type { EventBody, HistoryEvent } from '../core/index.js';
import { RunExecution, WorkLedger } from '../run/index.js';
import type { ExecutionHost, ExecutionOutcome } from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import { commandRecorder } from './command-recorder.js';
import type { EngineCore } from './engine-core.js';
import type { RunActivities } from './run-activities.js';
import type { RunChildren } from './run-children.js';
import type { RunFaults } from './run-host-faults.js';
import { superseded } from './run-host-faults.js';
import type { PhaseReport, RunHost, RunPhase } from './run-host.js';
import type { RunTimers } from './run-timers.js';
import { isStoreCorrupt, readRunHistory } from './store-corruption.js';

/** What loading a run needs from its run host and the host's other parts. */
export interface RunLoaderPort {
  readonly core: EngineCore;
  readonly host: RunHost;
  readonly faults: RunFaults;
  readonly activities: RunActivities;
  readonly children: RunChildren;
  readonly timers: RunTimers;
  /** The run's single recording funnel (see `RunHost`). */
  record(body: EventBody, extra?: RunAppend): HistoryEvent;
  /** True once the host was detached for suspension: nothing it holds may record. */
  detached(): boolean;
  /** Records the end of the code (see `RunEnding.finish`). */
  finish(outcome: ExecutionOutcome): Promise<void>;
}

/**
 * The execution of one resident run, rebuilt from the run's durable history
 * by each incarnation of its run actor: the ledger, the replay, then live
 * execution until the code ends. It holds what waits for the rebuild:
 * completions recorded while no execution was there to take them, and
 * callers waiting for the load to be over.
 */
export class RunLoader {
  readonly #port: RunLoaderPort;
  #execution: RunExecution | undefined;
  #initialHistory: HistoryEvent[] | undefined;
  #waitingDeliveries: HistoryEvent[] = [];
  /**
   * False until the ledger is first built from history: a host woken for a
   * suspended run starts with an empty one.
   */
  #ledgerReady = false;
  #readyWaiters: Array<() => void> = [];

  constructor(port: RunLoaderPort, initialHistory: HistoryEvent[] | undefined) {
    this.#port = port;
    this.#initialHistory = initialHistory;
  }

  /** The execution of the current incarnation, once loaded. */
  get execution(): RunExecution | undefined {
    return this.#execution;
  }

  /** Loads history, replays it and runs the code live; resolves when the run ended. */
  async execute(report: PhaseReport): Promise<void> {
    const { faults } = this.#port;
    const incarnation = faults.incarnation;
    try {
      await this.#execute(report);
    } catch (error) {
      // An incarnation replaced after a store fault ends quietly: its
      // successor rebuilds the run, and the fault is no crash of the run.
      if (faults.replaced(incarnation)) return superseded();
      throw error;
    } finally {
      // A crash or an early end must not leave those waiting for the replay hanging.
      this.#wake();
    }
  }

  /**
   * Resolves once the ledger was built from history, or the load that was
   * to build it stopped; `undefined` when it is built already. Callers await
   * only a promise: once the ledger is built they must go on in the same
   * turn, or a timer or completion handled meanwhile would come between
   * (an execution timeout that fired was recorded cancelled instead).
   */
  ledgerBuilt(): Promise<void> | undefined {
    return this.#ledgerReady ? undefined : this.loaded();
  }

  /**
   * Resolves once the current incarnation is past loading: its replay is over
   * (running, blocked or ending), or it stopped (crash, already ended).
   */
  loaded(): Promise<void> {
    if (this.#port.host.phase !== 'loading') return Promise.resolve();
    return new Promise<void>((resolve) => this.#readyWaiters.push(resolve));
  }

  /**
   * Answers a query against the current execution once its replay is done.
   *
   * @throws AionError QUERY_NOT_FOUND, QUERY_FAILED, WORKFLOW_NOT_RUNNING.
   */
  async query(name: string, args: readonly unknown[]): Promise<unknown> {
    const { host } = this.#port;
    while (host.phase === 'loading') await this.loaded();
    if (host.blocked !== undefined) {
      throw new AionError(ErrorCode.QUERY_FAILED, `the run is blocked: ${host.blocked.message}`, {
        cause: host.blocked,
      });
    }
    const execution = this.#execution;
    if (execution === undefined || host.ended || host.phase === 'ending') {
      throw new AionError(ErrorCode.WORKFLOW_NOT_RUNNING, 'the run has ended');
    }
    return execution.query(name, args);
  }

  /** Moves the run to `phase`; past loading, those waiting for the load go on. */
  setPhase(phase: RunPhase): void {
    this.#port.host.phase = phase;
    if (phase !== 'loading') this.#wake();
  }

  /** The run can make no progress (nondeterminism, a damaged history): it records nothing more. */
  block(error: Error, report: PhaseReport): void {
    this.#port.host.blocked = error;
    this.setPhase('blocked');
    report('blocked');
  }

  /** Delivers a recorded completion to the code, or keeps it for the next execution. */
  deliver(event: HistoryEvent): void {
    // The execution queues deliveries that arrive during its replay and
    // hands them over in order once history is exhausted.
    if (this.#execution === undefined) {
      this.#waitingDeliveries.push(event);
      return;
    }
    this.#execution.deliver(event);
  }

  #wake(): void {
    for (const wake of this.#readyWaiters.splice(0)) wake();
  }

  async #execute(report: PhaseReport): Promise<void> {
    const { core, host, faults, activities, children, timers } = this.#port;
    const incarnation = faults.incarnation;
    host.phase = 'loading';
    // Completions that become durable from here on are buffered for the new
    // execution (which drops those its history already holds): the previous
    // incarnation's execution, if any, is settled and would lose them.
    this.#execution = undefined;
    await host.recorder.idle();
    // The write it waited for failed with a store fault: a new incarnation
    // rebuilds the run (see RunFaults.writeFailed), and this one must not run too.
    if (faults.replaced(incarnation)) return superseded();
    host.recorder.reset();
    let history: HistoryEvent[];
    try {
      history =
        this.#initialHistory ?? (await readRunHistory(core.store, host, host.recorder.durableHead));
    } catch (error) {
      if (!isStoreCorrupt(error)) throw error;
      return faults.corrupt(error, report);
    }
    if (faults.replaced(incarnation)) return superseded();
    this.#initialHistory = undefined;
    host.ledger = WorkLedger.from(history);
    this.#ledgerReady = true;
    const first = history[0];
    if (first?.type === 'WorkflowStarted') host.parent = first.parent;
    if (host.ledger.terminal !== undefined) return;
    const execution = new RunExecution({
      definition: host.definition,
      history,
      host: this.#executionHost(),
      maxPayloadBytes: core.maxPayloadBytes,
    });
    const recovered = activities.recovering(host.ledger);
    this.#execution = execution;
    const outcome = execution.run();
    const waiting = this.#waitingDeliveries;
    this.#waitingDeliveries = [];
    const head = history[history.length - 1]?.seq ?? 0;
    for (const event of waiting) {
      // Recorded while loading, after the history was read: the new ledger
      // must know it too.
      if (event.seq > head) host.ledger.apply(event);
      execution.deliver(event);
    }
    await execution.replayed;
    if (!execution.settled) {
      // Timers that came due at any point of the loading, replay included,
      // are taken in the same turn as the phase changes, so none is lost.
      const due = timers.takeDueWhileLoading();
      this.setPhase('running');
      report('running');
      activities.resume(recovered);
      if (host.ledger.cancelRequested !== undefined) children.cancelAll();
      for (const entry of due) host.timerDue(entry);
      children.resume();
      if (host.parent !== undefined) core.adoptOrphan(host);
    }
    activities.recovered();
    const ended = await outcome;
    if (ended.type === 'blocked' && core.onNondeterminism === 'block') {
      this.block(ended.error, report);
      core.runBlocked(host.workflowId, host.runId, ended.error);
      return new Promise<void>(() => undefined);
    }
    await this.#port.finish(ended);
  }

  /**
   * The host an execution drives. Bound to that execution: once it is no
   * longer the current one (a crash replaced it), its commands are ignored.
   */
  #executionHost(): ExecutionHost {
    const { core, host, activities, children } = this.#port;
    return commandRecorder({
      core,
      ledger: () => host.ledger,
      // Closing, the engine records nothing more: the code's commands are
      // ignored (a reopened engine replays to them), not thrown into the
      // code, or into a delivery that no one awaits.
      isCurrent: () =>
        !this.#port.detached() &&
        !core.isClosing() &&
        this.#execution !== undefined &&
        !this.#execution.settled,
      record: (body, extra) => this.#port.record(body, extra),
      activityScheduled: (activity, seq) => activities.scheduled(activity, seq),
      startChild: (command, current) => children.start(command, current),
      cancelActivities: (activityIds) => {
        if (host.ended || host.phase === 'ending' || host.phase === 'blocked') return;
        // A failed recorder takes nothing: the rebuilt run's replay delivers it again.
        if (host.recorder.failed) return;
        activities.cancelDelivered(activityIds);
      },
    });
  }
}
