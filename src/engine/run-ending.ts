import type { EventBody, RunRef } from '../core/index.js';
import type { OutstandingActivity, WorkLedger } from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import type { EngineCore } from './engine-core.js';
import { newRunAppend } from './run-events.js';

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
