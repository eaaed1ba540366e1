import type { EventOf, HistoryEvent, ResolvedActivityOptions, TimerKind } from '../core/index.js';

/** An activity scheduled and not yet finally settled. */
export interface OutstandingActivity {
  readonly activityId: number;
  readonly activityType: string;
  readonly input: unknown;
  readonly options: ResolvedActivityOptions;
  /** The attempt to run next (failures recorded so far + 1). */
  nextAttempt: number;
  /** Set while the activity waits on its durable backoff timer. */
  retryTimerId: string | undefined;
  /**
   * A retry decided by a recorded `ActivityFailed` whose backoff timer is not
   * recorded yet (a history cut between the two): the timer to arm.
   */
  unarmedBackoff: { readonly fireAt: number; readonly durationMs: number } | undefined;
  lastHeartbeatDetails: unknown;
}

/** A timer started and neither fired nor cancelled. */
export interface OutstandingTimer {
  readonly timerId: string;
  readonly fireAt: number;
  readonly kind: TimerKind;
}

/** A child workflow started and not yet ended (as far as this run knows). */
export interface OutstandingChild {
  readonly childOrdinal: number;
  readonly childWorkflowId: string;
  readonly childRunId: string;
  readonly parentClosePolicy: 'terminate' | 'cancel' | 'abandon';
}

/**
 * What a run still has in flight, as a projection of its history: the
 * activities to (re)start after recovery and the timers still armed. Fed one
 * event at a time, both from a recorded history and as events are recorded
 * live, so the engine never re-derives it by scanning.
 */
export class WorkLedger {
  readonly activities = new Map<number, OutstandingActivity>();
  readonly timers = new Map<string, OutstandingTimer>();
  readonly children = new Map<number, OutstandingChild>();
  terminal: HistoryEvent | undefined;
  cancelRequested: EventOf<'WorkflowCancelRequested'> | undefined;

  /** Applies every event of a history, in order. */
  static from(history: readonly HistoryEvent[]): WorkLedger {
    const ledger = new WorkLedger();
    for (const event of history) ledger.apply(event);
    return ledger;
  }

  apply(event: HistoryEvent): void {
    switch (event.type) {
      case 'ActivityScheduled':
        this.activities.set(event.activityId, {
          activityId: event.activityId,
          activityType: event.activityType,
          input: event.input,
          options: event.options,
          nextAttempt: 1,
          retryTimerId: undefined,
          unarmedBackoff: undefined,
          lastHeartbeatDetails: undefined,
        });
        return;
      case 'ActivityFailed': {
        const activity = this.activities.get(event.activityId);
        if (activity === undefined) return;
        if (!event.retryable || event.nextAttemptAt === undefined) {
          this.activities.delete(event.activityId);
          return;
        }
        activity.nextAttempt = event.attempt + 1;
        activity.lastHeartbeatDetails = event.heartbeatDetails;
        activity.unarmedBackoff = {
          fireAt: event.nextAttemptAt,
          durationMs: Math.max(0, event.nextAttemptAt - event.recordedAt),
        };
        return;
      }
      case 'ActivityCompleted':
      case 'ActivityCancelled':
        this.activities.delete(event.activityId);
        return;
      case 'TimerStarted':
        this.timers.set(event.timerId, {
          timerId: event.timerId,
          fireAt: event.fireAt,
          kind: event.kind,
        });
        if (event.kind === 'retry') this.markRetryTimer(event.timerId, true);
        return;
      case 'TimerFired':
      case 'TimerCancelled':
        if (this.timers.get(event.timerId)?.kind === 'retry') {
          this.markRetryTimer(event.timerId, false);
        }
        this.timers.delete(event.timerId);
        return;
      case 'WorkflowCancelRequested':
        this.cancelRequested = event;
        return;
      case 'ChildWorkflowStarted':
        this.children.set(event.childOrdinal, {
          childOrdinal: event.childOrdinal,
          childWorkflowId: event.childWorkflowId,
          childRunId: event.childRunId,
          parentClosePolicy: event.parentClosePolicy,
        });
        return;
      case 'ChildWorkflowCompleted':
      case 'ChildWorkflowFailed':
      case 'ChildWorkflowCancelled':
        this.children.delete(event.childOrdinal);
        return;
      case 'WorkflowCompleted':
      case 'WorkflowFailed':
      case 'WorkflowCancelled':
      case 'WorkflowTerminated':
      case 'WorkflowTimedOut':
      case 'WorkflowContinuedAsNew':
        this.terminal = event;
        return;
      default:
        return;
    }
  }

  /** Activities that should be running now (not waiting on a backoff). */
  runnableActivities(): OutstandingActivity[] {
    const out: OutstandingActivity[] = [];
    for (const activity of this.activities.values()) {
      if (activity.retryTimerId === undefined && activity.unarmedBackoff === undefined) {
        out.push(activity);
      }
    }
    return out;
  }

  /** Activities whose recorded retry still needs its backoff timer recorded. */
  unarmedBackoffs(): OutstandingActivity[] {
    return [...this.activities.values()].filter((a) => a.unarmedBackoff !== undefined);
  }

  private markRetryTimer(timerId: string, waiting: boolean): void {
    // Retry timer ids are `r<activityId>.<attempt>`.
    const dot = timerId.indexOf('.');
    const activity = this.activities.get(Number(timerId.slice(1, dot)));
    if (activity === undefined) return;
    activity.retryTimerId = waiting ? timerId : undefined;
    if (waiting) activity.unarmedBackoff = undefined;
  }
}
