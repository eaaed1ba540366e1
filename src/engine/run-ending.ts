import { AionError, ErrorCode, toErrorInfo } from '../core/index.js';
import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import type { ExecutionOutcome, OutstandingActivity, WorkLedger } from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import type { EngineCore } from './engine-core.js';
import { terminalBody } from './outcome-events.js';
import type { RunActivities } from './run-activities.js';
import { newRunAppend } from './run-events.js';
import type { RunHost } from './run-host.js';
import type { RunLoader } from './run-loader.js';

/** What a run's next run (continue-as-new) is made of. */
export interface NextRunSpec {
  readonly workflowId: string;
  readonly previousRunId: string;
  readonly workflowType: string;
  readonly input: unknown;
  readonly parent: RunRef | undefined;
  /** Signals the ending run never consumed, in arrival order. */
  readonly carried: ReadonlyArray<{ readonly name: string; readonly payload: unknown }>;
}

/**
 * The first events of a run continued as new. Signals the previous run never
 * consumed are not lost: the next run receives them right after it starts.
 */
export function nextRunAppend(core: EngineCore, spec: NextRunSpec): RunAppend {
  return newRunAppend({
    workflowId: spec.workflowId,
    runId: core.newRunId(core.clock.now()),
    workflowType: spec.workflowType,
    input: spec.input,
    recordedAt: core.clock.now(),
    parent: spec.parent,
    previousRunId: spec.previousRunId,
    after: spec.carried.map(({ name, payload }) => ({ type: 'SignalReceived', name, payload })),
  });
}

/** What the end of a run's code records: its terminal event, and the next run it starts. */
export interface RunEnd {
  readonly body: EventBody;
  /** The next run's first events, committed with the terminal event. */
  readonly next?: RunAppend;
}

/**
 * What a continue-as-new records: `WorkflowContinuedAsNew` and the next
 * run's first events. A type this engine cannot run would start a next run
 * that is blocked for good: the code asked for something impossible, so
 * the run fails instead, as it does for a result that cannot be stored.
 *
 * @param requestedType the type the code asked for, when not its own
 * (`spec.workflowType` is the type the next run gets).
 */
export function continueAsNewEnd(
  core: EngineCore,
  spec: NextRunSpec,
  requestedType: string | undefined,
): RunEnd {
  let next: RunAppend;
  try {
    core.registry.workflow(spec.workflowType);
    next = nextRunAppend(core, spec);
  } catch (error) {
    return { body: { type: 'WorkflowFailed', error: toErrorInfo(error) } };
  }
  return {
    body: {
      type: 'WorkflowContinuedAsNew',
      input: spec.input,
      nextRunId: next.runId,
      ...(requestedType === undefined ? {} : { workflowType: requestedType }),
    },
    next,
  };
}

/**
 * The events that close a run's outstanding work before its terminal event:
 * every open timer cancelled, every activity cancelled.
 */
export function closingBodies(ledger: WorkLedger): EventBody[] {
  const bodies: EventBody[] = [];
  for (const timer of ledger.timers.values()) {
    bodies.push({ type: 'TimerCancelled', timerId: timer.timerId, fireAt: timer.fireAt });
  }
  for (const activity of ledger.activities.values()) {
    bodies.push({ type: 'ActivityCancelled', activityId: activity.activityId });
  }
  return bodies;
}

/**
 * The events that cancel one activity on a cancellation request: its retry
 * backoff timer, if armed, then the activity.
 */
export function cancelActivityBodies(
  ledger: WorkLedger,
  activity: OutstandingActivity,
): EventBody[] {
  const retry =
    activity.retryTimerId === undefined ? undefined : ledger.timers.get(activity.retryTimerId);
  const bodies: EventBody[] = [];
  if (retry !== undefined) {
    bodies.push({ type: 'TimerCancelled', timerId: retry.timerId, fireAt: retry.fireAt });
  }
  bodies.push({ type: 'ActivityCancelled', activityId: activity.activityId });
  return bodies;
}

/** What ending a run needs from its run host and the host's other parts. */
export interface RunEndingPort {
  readonly core: EngineCore;
  readonly host: RunHost;
  readonly activities: RunActivities;
  readonly loader: RunLoader;
  /** The run's single recording funnel (see `RunHost`). */
  record(body: EventBody, extra?: RunAppend): HistoryEvent;
}

/**
 * How a resident run ends, from outside (termination, timeout) or because
 * its code ended: one terminal event, with the events that close its
 * outstanding work in the same batch.
 */
export class RunEnding {
  readonly #port: RunEndingPort;

  constructor(port: RunEndingPort) {
    this.#port = port;
  }

  /**
   * Ends the run from outside (termination, timeout): no workflow code runs
   * again; outstanding work is cancelled in the same batch as the terminal
   * event.
   */
  async end(body: EventBody): Promise<void> {
    const { core, host, loader } = this.#port;
    if (this.#endingOrEnded()) return;
    // A termination comes from outside: refused at once during a store
    // fault. A timeout or a crash loop is the run's own and waits its turn.
    if (body.type === 'WorkflowTerminated') core.storeHealth.assertWritable();
    // The closing events cancel what the ledger holds open: it must be built.
    const building = loader.ledgerBuilt();
    if (building !== undefined) {
      await building;
      if (this.#endingOrEnded()) return;
    }
    loader.setPhase('ending');
    loader.execution?.crash(new AionError(ErrorCode.WORKFLOW_TERMINATED, 'run ended'));
    core.stopRunActor(host.workflowId, host.runId);
    await this.#recordTerminal(body);
  }

  /** The code ended with `outcome`: records the run's terminal event. */
  async finish(outcome: ExecutionOutcome): Promise<void> {
    const { core, host, loader } = this.#port;
    // Ended from outside (termination, timeout) between the code's end and
    // here: that end is the run's one terminal event.
    if (this.#endingOrEnded()) return;
    loader.setPhase('ending');
    if (outcome.type !== 'continuedAsNew') {
      await this.#recordTerminal(terminalBody(outcome, core.maxPayloadBytes));
      return;
    }
    const spec = {
      workflowId: host.workflowId,
      previousRunId: host.runId,
      workflowType: outcome.workflowType ?? host.definition.name,
      input: outcome.input,
      parent: host.parent,
      carried: loader.execution?.signals.unconsumed() ?? [],
    };
    const { body, next } = continueAsNewEnd(core, spec, outcome.workflowType);
    if (next !== undefined) host.successorRunId = next.runId;
    await this.#recordTerminal(body, next);
  }

  /** True once the run ends or is ending (a method: the phase changes across awaits). */
  #endingOrEnded(): boolean {
    return this.#port.host.ended || this.#port.host.phase === 'ending';
  }

  async #recordTerminal(body: EventBody, extra?: RunAppend): Promise<void> {
    const { host, activities } = this.#port;
    for (const activity of host.ledger.activities.values()) activities.stop(activity);
    for (const closing of closingBodies(host.ledger)) this.#port.record(closing);
    const terminal = this.#port.record(body, extra);
    await host.recorder.durable(terminal.seq);
  }
}
