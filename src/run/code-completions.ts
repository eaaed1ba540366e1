import type { HistoryEvent } from '../core/index.js';
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
