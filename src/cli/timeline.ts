import type { HistoryEvent } from '../index.js';
import { formatDuration, formatOffset } from './format-time.js';
import { renderTable, shortJson } from './text-table.js';

/** Per activity: its type and when its current attempt started. */
interface ActivityTrack {
  readonly type: string;
  attemptStart: number;
}

/**
 * Follows a run's events and describes each one: attempts and their
 * durations for activities (from scheduling, or from the retry time of
 * the previous attempt), durations for timers, payloads in short JSON.
 */
export class TimelineWriter {
  readonly #activities = new Map<number, ActivityTrack>();
  #startedAt: number | undefined;

  /** The cells of one event: offset from the start, seq, type, details. */
  row(event: HistoryEvent): string[] {
    this.#startedAt ??= event.recordedAt;
    return [
      formatOffset(event.recordedAt - this.#startedAt),
      `#${event.seq}`,
      event.type,
      this.#details(event),
    ];
  }

  /** One event as one line, for progress output. */
  line(event: HistoryEvent): string {
    const [offset = '', seq = '', type = '', details = ''] = this.row(event);
    return `${offset.padStart(8)} ${seq.padStart(4)}  ${type}${details ? `  ${details}` : ''}`;
  }

  #details(event: HistoryEvent): string {
    switch (event.type) {
      case 'WorkflowStarted':
        return `${event.workflowType} input ${shortJson(event.input)}`;
      case 'ActivityScheduled':
        this.#activities.set(event.activityId, {
          type: event.activityType,
          attemptStart: event.recordedAt,
        });
        return `${event.activityType} #${event.activityId}`;
      case 'ActivityCompleted': {
        const track = this.#activities.get(event.activityId);
        const took =
          track === undefined
            ? ''
            : `, took ${formatDuration(event.recordedAt - track.attemptStart)}`;
        return `${track?.type ?? ''} #${event.activityId} attempt ${event.attempt}${took} -> ${shortJson(event.result, 40)}`;
      }
      case 'ActivityFailed': {
        const track = this.#activities.get(event.activityId);
        const took =
          track === undefined
            ? ''
            : ` after ${formatDuration(event.recordedAt - track.attemptStart)}`;
        if (track !== undefined) track.attemptStart = event.nextAttemptAt ?? event.recordedAt;
        const next =
          event.nextAttemptAt === undefined
            ? 'no retry'
            : `retry in ${formatDuration(event.nextAttemptAt - event.recordedAt)}`;
        return `${track?.type ?? ''} #${event.activityId} attempt ${event.attempt} failed${took}: ${event.error.message} (${next})`;
      }
      case 'ActivityCancelled':
        return `#${event.activityId}`;
      case 'TimerStarted':
        return `${event.kind} ${event.timerId} for ${formatDuration(event.durationMs)}`;
      case 'TimerFired':
      case 'TimerCancelled':
        return event.timerId;
      case 'SignalReceived':
        return `${event.name} ${shortJson(event.payload, 40)}`;
      case 'SignalSent':
        return `${event.name} to ${event.targetWorkflowId} ${shortJson(event.payload, 40)}`;
      case 'ChildWorkflowStarted':
        return `${event.workflowType} ${event.childWorkflowId}`;
      case 'ChildWorkflowCompleted':
        return `${event.childWorkflowId} -> ${shortJson(event.result, 40)}`;
      case 'ChildWorkflowFailed':
        return `${event.childWorkflowId}: ${event.error.message}`;
      case 'ChildWorkflowCancelled':
        return `${event.childWorkflowId}: ${event.reason}`;
      case 'WorkflowCompleted':
        return shortJson(event.result);
      case 'WorkflowFailed':
        return `${event.error.code ?? event.error.name}: ${event.error.message}`;
      case 'WorkflowContinuedAsNew':
        return `next run ${event.nextRunId}`;
      case 'WorkflowCancelRequested':
      case 'WorkflowCancelled':
      case 'WorkflowTerminated':
      case 'WorkflowTimedOut':
        return event.reason;
    }
  }
}

/**
 * A run's history as a table: offset from the start, seq, type, details.
 *
 * @example
 * ```ts
 * console.log(renderTimeline(await engine.history('order-1')));
 * ```
 */
export function renderTimeline(events: readonly HistoryEvent[]): string {
  const writer = new TimelineWriter();
  return renderTable(
    [
      { header: 'TIME', right: true },
      { header: 'SEQ', right: true },
      { header: 'EVENT' },
      { header: 'DETAILS' },
    ],
    events.map((event) => writer.row(event)),
  );
}
