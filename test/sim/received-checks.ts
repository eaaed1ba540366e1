import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent } from '../../src/core/index.js';
import type { LogEntry } from './script.js';
import type { SnapshotRun } from './snapshot.js';

/** The `sid` of a simulated signal payload. */
export const sidOf = (payload: unknown): string | undefined => {
  const sid = (payload as { sid?: unknown } | null | undefined)?.sid;
  return typeof sid === 'string' ? sid : undefined;
};

/** The sids of a run's `SignalReceived` events of each name, in recorded order. */
export function recordedSignals(history: readonly HistoryEvent[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const event of history) {
    if (event.type !== 'SignalReceived') continue;
    const list = byName.get(event.name) ?? [];
    list.push(sidOf(event.payload) ?? '?');
    byName.set(event.name, list);
  }
  return byName;
}

/** The sids the code consumed, per name, in order. */
export function consumedSignals(log: readonly LogEntry[]): Map<string, string[]> {
  const byName = new Map<string, string[]>();
  for (const entry of log) {
    if (entry.k !== 'sig') continue;
    const list = byName.get(entry.name) ?? [];
    list.push(entry.sid);
    byName.set(entry.name, list);
  }
  return byName;
}

/**
 * Compares what the code of one run received (its log) with its history:
 * each activity result it got is the recorded `ActivityCompleted` result of
 * that ordinal, each activity failure it saw is a final `ActivityFailed`,
 * each child outcome is the recorded one, and the k-th signal of a name it
 * consumed is the k-th recorded `SignalReceived` of that name (SPEC 6).
 */
export function checkReceived(run: SnapshotRun, log: readonly LogEntry[]): string[] {
  const problems: string[] = [];
  const completed = new Map<number, unknown>();
  const finallyFailed = new Set<number>();
  const childOutcomes = new Map<string, HistoryEvent>();
  for (const event of run.history) {
    if (event.type === 'ActivityCompleted') completed.set(event.activityId, event.result);
    if (
      event.type === 'ActivityFailed' &&
      (!event.retryable || event.nextAttemptAt === undefined)
    ) {
      finallyFailed.add(event.activityId);
    }
    if (
      event.type === 'ChildWorkflowCompleted' ||
      event.type === 'ChildWorkflowFailed' ||
      event.type === 'ChildWorkflowCancelled'
    ) {
      childOutcomes.set(event.childWorkflowId, event);
    }
  }
  for (const entry of log) {
    switch (entry.k) {
      case 'act':
        if (!completed.has(entry.n)) {
          problems.push(
            `the code got a result for activity ${entry.n}, which has no ActivityCompleted`,
          );
        } else if (!isDeepStrictEqual(completed.get(entry.n), entry.r)) {
          problems.push(
            `the code got a result for activity ${entry.n} that differs from the recorded one`,
          );
        }
        break;
      case 'actErr':
        if (entry.code !== 'ACTIVITY_FAILED' || !finallyFailed.has(entry.n)) {
          problems.push(
            `the code saw activity ${entry.n} fail with ${entry.code}, history does not say so`,
          );
        }
        break;
      case 'child': {
        const outcome = childOutcomes.get(entry.id);
        const matches = entry.ok
          ? outcome?.type === 'ChildWorkflowCompleted' && isDeepStrictEqual(outcome.result, entry.r)
          : outcome?.type === 'ChildWorkflowFailed' || outcome?.type === 'ChildWorkflowCancelled';
        if (!matches) {
          problems.push(
            `the code saw child ${entry.id} end ${entry.ok ? 'completed' : entry.code}, history says ${String(outcome?.type)}`,
          );
        }
        break;
      }
      default:
        break;
    }
  }
  const recorded = recordedSignals(run.history);
  for (const [name, consumed] of consumedSignals(log)) {
    const prefix = (recorded.get(name) ?? []).slice(0, consumed.length);
    if (!isDeepStrictEqual(prefix, consumed)) {
      problems.push(
        `signals '${name}' consumed [${consumed.join(', ')}], recorded [${prefix.join(', ')}]`,
      );
    }
  }
  const { workflowId, runId } = run.summary;
  return problems.map((problem) => `${workflowId}/${runId}: ${problem}`);
}
