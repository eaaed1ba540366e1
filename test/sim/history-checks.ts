import { isTerminalEventType, statusOfTerminal } from '../../src/core/index.js';
import type { HistoryEvent, WorkflowStatus } from '../../src/core/index.js';
import type { SnapshotRun } from './snapshot.js';

/**
 * What a history implies, computed here independently of the store's own
 * projection so that the two can be compared.
 */
export interface Projection {
  readonly status: WorkflowStatus;
  readonly terminal: HistoryEvent | undefined;
  /** Open timers: timerId -> fireAt. */
  readonly openTimers: ReadonlyMap<string, number>;
  /** Activities scheduled and neither completed, finally failed nor cancelled. */
  readonly pendingActivities: ReadonlySet<number>;
}

/** Projects a well-formed history; {@link checkHistory} reports what is not. */
export function project(history: readonly HistoryEvent[]): Projection {
  const openTimers = new Map<string, number>();
  const pending = new Set<number>();
  let terminal: HistoryEvent | undefined;
  let status: WorkflowStatus = 'running';
  for (const event of history) {
    switch (event.type) {
      case 'TimerStarted':
        openTimers.set(event.timerId, event.fireAt);
        break;
      case 'TimerFired':
      case 'TimerCancelled':
        openTimers.delete(event.timerId);
        break;
      case 'ActivityScheduled':
        pending.add(event.activityId);
        break;
      case 'ActivityCompleted':
      case 'ActivityCancelled':
        pending.delete(event.activityId);
        break;
      case 'ActivityFailed':
        if (!event.retryable || event.nextAttemptAt === undefined) pending.delete(event.activityId);
        break;
      default:
        if (isTerminalEventType(event.type)) {
          terminal = event;
          status = statusOfTerminal(event.type);
        }
    }
  }
  return {
    status,
    terminal,
    openTimers,
    pendingActivities: pending,
  };
}

/** Problems with the events of one history taken alone. */
function checkEvents(history: readonly HistoryEvent[]): string[] {
  const problems: string[] = [];
  const timers = new Map<string, { fireAt: number; closed: boolean }>();
  const activities = new Map<number, { attempts: number; closed: boolean }>();
  const sids = new Set<string>();
  let children = 0;
  let cancelRequests = 0;
  let lastAt = Number.NEGATIVE_INFINITY;
  history.forEach((event, i) => {
    const at = `seq ${event.seq} ${event.type}`;
    if (event.seq !== i + 1) problems.push(`${at}: expected seq ${i + 1}`);
    if ((i === 0) !== (event.type === 'WorkflowStarted')) {
      problems.push(`${at}: WorkflowStarted must be the first event and only the first`);
    }
    if (isTerminalEventType(event.type) && i !== history.length - 1) {
      problems.push(`${at}: a terminal event must be the last`);
    }
    if (event.recordedAt < lastAt) problems.push(`${at}: recordedAt goes backwards`);
    lastAt = event.recordedAt;
    switch (event.type) {
      case 'TimerStarted':
        if (timers.has(event.timerId)) problems.push(`${at}: timer ${event.timerId} started twice`);
        timers.set(event.timerId, { fireAt: event.fireAt, closed: false });
        break;
      case 'TimerFired':
      case 'TimerCancelled': {
        const timer = timers.get(event.timerId);
        if (timer === undefined || timer.closed) {
          problems.push(`${at}: timer ${event.timerId} is not open`);
        } else if (timer.fireAt !== event.fireAt) {
          problems.push(`${at}: fireAt differs from its TimerStarted`);
        }
        if (event.type === 'TimerFired' && event.recordedAt < event.fireAt) {
          problems.push(`${at}: timer ${event.timerId} fired before its fireAt`);
        }
        if (timer !== undefined) timer.closed = true;
        break;
      }
      case 'ActivityScheduled':
        if (event.activityId !== activities.size + 1) {
          problems.push(
            `${at}: activity ordinal ${event.activityId}, expected ${activities.size + 1}`,
          );
        }
        activities.set(event.activityId, { attempts: 0, closed: false });
        break;
      case 'ActivityFailed':
      case 'ActivityCompleted':
      case 'ActivityCancelled': {
        const activity = activities.get(event.activityId);
        if (activity === undefined || activity.closed) {
          problems.push(`${at}: activity ${event.activityId} is not pending`);
          break;
        }
        if (event.type !== 'ActivityCancelled' && event.attempt !== activity.attempts + 1) {
          problems.push(`${at}: attempt ${event.attempt}, expected ${activity.attempts + 1}`);
        }
        activity.attempts++;
        activity.closed =
          event.type !== 'ActivityFailed' || !event.retryable || event.nextAttemptAt === undefined;
        break;
      }
      case 'SignalReceived': {
        const sid = (event.payload as { sid?: unknown } | undefined)?.sid;
        if (typeof sid === 'string') {
          if (sids.has(sid)) problems.push(`${at}: signal ${sid} recorded twice`);
          sids.add(sid);
        }
        break;
      }
      case 'ChildWorkflowStarted':
        if (event.childOrdinal !== ++children) {
          problems.push(`${at}: child ordinal ${event.childOrdinal}, expected ${children}`);
        }
        break;
      case 'WorkflowCancelRequested':
        if (++cancelRequests > 1) problems.push(`${at}: cancellation requested twice`);
        break;
      default:
        break;
    }
  });
  return problems;
}

/**
 * Checks one stored run: its history is well formed (contiguous seqs, one
 * `WorkflowStarted` first, at most one terminal event and nothing after it,
 * timers and activities opened before they close and closed once, no timer
 * fired early, no signal recorded twice), its summary (by `getRun` and by
 * `listRuns`) is the projection of its history, and a terminal run holds no
 * open timer or activity.
 */
export function checkHistory(run: SnapshotRun): string[] {
  const { summary, history } = run;
  const name = `${summary.workflowId}/${summary.runId}`;
  if (history.length === 0) return [`${name}: a summary without history`];
  const problems = checkEvents(history);
  const p = project(history);
  const first = history[0] as HistoryEvent;
  const last = history[history.length - 1] as HistoryEvent;
  const expect = (what: string, found: unknown, wanted: unknown): void => {
    if (found !== wanted)
      problems.push(`summary ${what} is ${String(found)}, history says ${String(wanted)}`);
  };
  expect('status', summary.status, p.status);
  expect('historyLength', summary.historyLength, history.length);
  expect('lastEventType', summary.lastEventType, last.type);
  expect('startedAt', summary.startedAt, first.recordedAt);
  expect('closedAt', summary.closedAt, p.terminal?.recordedAt);
  expect('pendingTimers', summary.pendingTimers, p.openTimers.size);
  expect('pendingActivities', summary.pendingActivities, p.pendingActivities.size);
  if (first.type === 'WorkflowStarted') {
    expect('workflowType', summary.workflowType, first.workflowType);
    expect('previousRunId', summary.previousRunId, first.previousRunId);
    expect('parent', summary.parent?.runId, first.parent?.runId);
  }
  expect(
    'nextRunId',
    summary.nextRunId,
    p.terminal?.type === 'WorkflowContinuedAsNew' ? p.terminal.nextRunId : undefined,
  );
  if (p.terminal !== undefined && (p.openTimers.size > 0 || p.pendingActivities.size > 0)) {
    problems.push(
      `ended with ${p.openTimers.size} open timer(s) and ${p.pendingActivities.size} pending activity(ies)`,
    );
  }
  for (const key of Object.keys(summary) as Array<keyof typeof summary>) {
    if (JSON.stringify(summary[key]) !== JSON.stringify(run.listed[key])) {
      problems.push(
        `listRuns shows ${key} ${JSON.stringify(run.listed[key])}, getRun ${JSON.stringify(summary[key])}`,
      );
    }
  }
  return problems.map((problem) => `${name}: ${problem}`);
}
