import type { HistoryEvent } from '../core/index.js';
import {
  ActivityFailedError,
  CancelledError,
  ChildWorkflowFailedError,
} from '../workflow/index.js';
import type { CompletionWaiters } from './completion-waiters.js';
import type { SignalInbox } from './signal-inbox.js';
import { isWorkflowTimer } from './timer-ids.js';

/**
 * True for recorded events that the workflow code receives: an activity's
 * result or final failure (not a failure that will be retried), a workflow
 * timer firing, a signal, a cancellation request, a child's outcome.
 */
export function isCodeCompletion(event: HistoryEvent): boolean {
  switch (event.type) {
    case 'ActivityCompleted':
    case 'SignalReceived':
    case 'WorkflowCancelRequested':
    case 'ChildWorkflowCompleted':
    case 'ChildWorkflowFailed':
    case 'ChildWorkflowCancelled':
      return true;
    case 'ActivityFailed':
      return !event.retryable || event.nextAttemptAt === undefined;
    case 'TimerFired':
      return isWorkflowTimer(event.timerId);
    default:
      return false;
  }
}

/** What a completion handed to the code acts on in its execution. */
export interface CompletionTarget {
  readonly waiters: CompletionWaiters;
  readonly signals: SignalInbox;
  /** The type of a scheduled activity, for the error of its failure. */
  activityType(activityId: number): string;
  /** The run's cancellation reached the code. */
  cancel(reason: string): void;
}

/**
 * Hands one completion to the code: settles the await it completes (keyed
 * `a<activityId>`, `c<childOrdinal>` or by timer id), or hands over the
 * signal or the cancellation. Anything else is no completion and is ignored.
 */
export function deliverCompletion(event: HistoryEvent, target: CompletionTarget): void {
  const { waiters } = target;
  switch (event.type) {
    case 'ActivityCompleted':
      waiters.resolve(`a${event.activityId}`, event.result);
      return;
    case 'ActivityFailed': {
      const type = target.activityType(event.activityId);
      waiters.reject(
        `a${event.activityId}`,
        new ActivityFailedError(type, event.activityId, event.attempt, event.error),
      );
      return;
    }
    case 'TimerFired':
      waiters.resolve(event.timerId, undefined);
      return;
    case 'SignalReceived':
      target.signals.arrive(event.name, event.payload);
      return;
    case 'WorkflowCancelRequested':
      target.cancel(event.reason);
      return;
    case 'ChildWorkflowCompleted':
      waiters.resolve(`c${event.childOrdinal}`, event.result);
      return;
    case 'ChildWorkflowFailed':
      waiters.reject(
        `c${event.childOrdinal}`,
        new ChildWorkflowFailedError(event.childWorkflowId, event.error),
      );
      return;
    case 'ChildWorkflowCancelled':
      waiters.reject(`c${event.childOrdinal}`, new CancelledError(event.reason));
      return;
    default:
      return;
  }
}
