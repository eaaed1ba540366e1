import { ErrorCode, toErrorInfo } from '../core/index.js';
import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import { decideRetry } from '../activities/index.js';
import type { AttemptResult } from '../activities/index.js';
import { timerIds } from '../run/index.js';
import type { OutstandingActivity } from '../run/index.js';
import type { RunAppend } from '../store/index.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** What starts a new run: its first events, for an atomic append with its cause. */
export interface NewRun {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly input: unknown;
  readonly recordedAt: number;
  readonly parent?: RunRef | undefined;
  readonly previousRunId?: string;
  readonly executionTimeoutMs?: number | undefined;
  /** Events recorded right after the start (a carried or start-time signal). */
  readonly after?: readonly EventBody[];
}

/**
 * The first events of a run: `WorkflowStarted`, its execution-timeout timer
 * when it has one, then `after` — the one shape used by `start`,
 * `signalWithStart`, child starts and continue-as-new.
 */
export function newRunEvents(run: NewRun): HistoryEvent[] {
  const envelope = { workflowId: run.workflowId, runId: run.runId, recordedAt: run.recordedAt };
  const timeout = run.executionTimeoutMs;
  // One literal, optional fields assigned: spreads here gave every run's
  // first event a hidden class of its own.
  const started: Writable<Extract<HistoryEvent, { type: 'WorkflowStarted' }>> = {
    workflowId: run.workflowId,
    runId: run.runId,
    recordedAt: run.recordedAt,
    seq: 1,
    type: 'WorkflowStarted',
    workflowType: run.workflowType,
    input: run.input,
    version: 1,
  };
  if (run.parent !== undefined) started.parent = run.parent;
  if (run.previousRunId !== undefined) started.previousRunId = run.previousRunId;
  if (timeout !== undefined) started.executionTimeoutAt = run.recordedAt + timeout;
  const events: HistoryEvent[] = [started];
  if (timeout !== undefined) {
    events.push({
      ...envelope,
      seq: 2,
      type: 'TimerStarted',
      timerId: timerIds.execution(),
      fireAt: run.recordedAt + timeout,
      kind: 'execution',
      durationMs: timeout,
    });
  }
  for (const body of run.after ?? []) {
    events.push({ ...body, ...envelope, seq: events.length + 1 });
  }
  return events;
}

/** The append that starts a new run (expected head 0). */
export function newRunAppend(run: NewRun): RunAppend {
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    expectedSeq: 0,
    events: newRunEvents(run),
  };
}

/**
 * What a finished attempt records: `ActivityCompleted`, or `ActivityFailed`
 * with the retry decision and, when another attempt follows, the durable
 * backoff timer it waits on.
 */
export function attemptEvents(
  activity: OutstandingActivity,
  attempt: number,
  result: AttemptResult,
  now: number,
): EventBody[] {
  const { activityId } = activity;
  if (result.ok) return [{ type: 'ActivityCompleted', activityId, attempt, result: result.result }];
  const decision = decideRetry(activity.options.retry, attempt, result.error, now);
  const failed: EventBody = {
    type: 'ActivityFailed',
    activityId,
    attempt,
    error: result.error,
    retryable: decision.retryable,
    ...(decision.nextAttemptAt === undefined ? {} : { nextAttemptAt: decision.nextAttemptAt }),
    ...(result.heartbeatDetails === undefined ? {} : { heartbeatDetails: result.heartbeatDetails }),
  };
  if (decision.nextAttemptAt === undefined) return [failed];
  return [
    failed,
    backoffTimer(activityId, attempt + 1, decision.nextAttemptAt, decision.nextAttemptAt - now),
  ];
}

/** The durable timer attempt `attempt` of an activity waits on. */
export function backoffTimer(
  activityId: number,
  attempt: number,
  fireAt: number,
  durationMs: number,
): EventBody {
  return {
    type: 'TimerStarted',
    timerId: timerIds.retry(activityId, attempt),
    fireAt,
    kind: 'retry',
    durationMs,
  };
}

/** The parent's record of a child's terminal event, or `undefined` for continue-as-new. */
export function childOutcomeBody(
  childOrdinal: number,
  childWorkflowId: string,
  terminal: HistoryEvent,
): EventBody | undefined {
  const base = { childOrdinal, childWorkflowId };
  switch (terminal.type) {
    case 'WorkflowCompleted':
      return { type: 'ChildWorkflowCompleted', ...base, result: terminal.result };
    case 'WorkflowCancelled':
      return { type: 'ChildWorkflowCancelled', ...base, reason: terminal.reason };
    case 'WorkflowFailed':
      return { type: 'ChildWorkflowFailed', ...base, error: terminal.error };
    case 'WorkflowTimedOut':
    case 'WorkflowTerminated': {
      const code =
        terminal.type === 'WorkflowTimedOut'
          ? ErrorCode.WORKFLOW_TIMED_OUT
          : ErrorCode.WORKFLOW_TERMINATED;
      return {
        type: 'ChildWorkflowFailed',
        ...base,
        error: { name: 'ChildWorkflowError', code, message: terminal.reason },
      };
    }
    default:
      return undefined;
  }
}

/** The failure recorded when a run crashed more often than its intensity allows. */
export function crashLoopBody(
  error: unknown,
  intensity: { readonly maxRestarts: number; readonly withinMs: number },
): EventBody {
  const cause = toErrorInfo(error);
  return {
    type: 'WorkflowFailed',
    error: {
      name: 'CrashLoopError',
      code: ErrorCode.CRASH_LOOP,
      message: `the run crashed more than ${intensity.maxRestarts} times in ${intensity.withinMs} ms: ${cause.message}`,
      cause,
    },
  };
}
