import {
  InvalidArgumentError,
  WorkflowNotRunningError,
  isTerminalEventType,
  statusOfTerminal,
} from '../core/index.js';
import type { HistoryEvent, RunRef, WorkflowStatus } from '../core/index.js';
import type { RunSummary } from './event-store.js';

/** The mutable twin of {@link RunSummary}, used while folding one append. */
interface Draft {
  workflowId: string;
  runId: string;
  workflowType: string;
  status: WorkflowStatus;
  startedAt: number;
  closedAt?: number;
  parent?: RunRef;
  previousRunId?: string;
  nextRunId?: string;
  historyLength: number;
  version: number;
  pendingActivities: number;
  pendingTimers: number;
  lastEventType: HistoryEvent['type'];
}

/**
 * Folds events into a run summary: the projection that the stores write in
 * the same batch as the events.
 *
 * Pure: `summary` is never mutated; the result is a new frozen object (it is
 * cached and handed to callers, who must not be able to change it).
 *
 * @param summary the run's summary before `events`, `undefined` for a new run.
 * @param events the appended events, in seq order.
 * @returns the summary after `events`.
 * @throws InvalidArgumentError when a new run does not begin with
 * `WorkflowStarted`, or `WorkflowStarted` appears later.
 * @throws WorkflowNotRunningError when an event follows a terminal event.
 *
 * @example
 * ```ts
 * const s = applyEvents(undefined, [started]);
 * s.status; // 'running'
 * ```
 */
export function applyEvents(
  summary: RunSummary | undefined,
  events: readonly HistoryEvent[],
): RunSummary {
  let draft: Draft | undefined = summary === undefined ? undefined : draftOf(summary);
  for (const event of events) draft = applyEvent(draft, event);
  if (draft === undefined) throw new InvalidArgumentError('an append needs at least one event');
  return Object.freeze(draft);
}

/** A mutable copy; explicit fields copy faster than spreading a frozen object. */
function draftOf(s: RunSummary): Draft {
  const draft: Draft = {
    workflowId: s.workflowId,
    runId: s.runId,
    workflowType: s.workflowType,
    status: s.status,
    startedAt: s.startedAt,
    historyLength: s.historyLength,
    version: s.version,
    pendingActivities: s.pendingActivities,
    pendingTimers: s.pendingTimers,
    lastEventType: s.lastEventType,
  };
  if (s.closedAt !== undefined) draft.closedAt = s.closedAt;
  if (s.parent !== undefined) draft.parent = s.parent;
  if (s.previousRunId !== undefined) draft.previousRunId = s.previousRunId;
  if (s.nextRunId !== undefined) draft.nextRunId = s.nextRunId;
  return draft;
}

function applyEvent(draft: Draft | undefined, event: HistoryEvent): Draft {
  if (draft === undefined) {
    if (event.type !== 'WorkflowStarted') {
      throw new InvalidArgumentError(
        `run '${event.runId}' of workflow '${event.workflowId}' must begin with WorkflowStarted, not ${event.type}`,
        { details: { workflowId: event.workflowId, runId: event.runId, type: event.type } },
      );
    }
    return started(event);
  }
  if (draft.status !== 'running') {
    throw new WorkflowNotRunningError(draft.workflowId, draft.runId, draft.status);
  }
  draft.historyLength = event.seq;
  draft.lastEventType = event.type;
  switch (event.type) {
    case 'WorkflowStarted':
      throw new InvalidArgumentError(
        `WorkflowStarted may only be the first event of a run (seq ${event.seq})`,
        { details: { workflowId: event.workflowId, runId: event.runId, seq: event.seq } },
      );
    case 'ActivityScheduled':
      draft.pendingActivities++;
      break;
    case 'ActivityCompleted':
    case 'ActivityCancelled':
      draft.pendingActivities--;
      break;
    case 'ActivityFailed':
      // A failed attempt that will be retried keeps the activity pending.
      if (!event.retryable || event.nextAttemptAt === undefined) draft.pendingActivities--;
      break;
    case 'TimerStarted':
      draft.pendingTimers++;
      break;
    case 'TimerFired':
    case 'TimerCancelled':
      draft.pendingTimers--;
      break;
    default:
      if (isTerminalEventType(event.type)) {
        draft.status = statusOfTerminal(event.type);
        draft.closedAt = event.recordedAt;
        if (event.type === 'WorkflowContinuedAsNew') draft.nextRunId = event.nextRunId;
      }
  }
  return draft;
}

function started(event: HistoryEvent & { readonly type: 'WorkflowStarted' }): Draft {
  const draft: Draft = {
    workflowId: event.workflowId,
    runId: event.runId,
    workflowType: event.workflowType,
    status: 'running',
    startedAt: event.recordedAt,
    historyLength: event.seq,
    version: event.version,
    pendingActivities: 0,
    pendingTimers: 0,
    lastEventType: event.type,
  };
  // Copied, so that a caller changing its event object later cannot reach the cache.
  if (event.parent !== undefined) {
    draft.parent = Object.freeze({
      workflowId: event.parent.workflowId,
      runId: event.parent.runId,
    });
  }
  if (event.previousRunId !== undefined) draft.previousRunId = event.previousRunId;
  return draft;
}
