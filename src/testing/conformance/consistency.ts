import { expect } from 'vitest';
import { WORKFLOW_STATUSES } from '../../core/index.js';
import type { HistoryEvent, RunRef } from '../../core/index.js';
import { applyEvents, runKey, timerKey } from '../../store/index.js';
import type { EventStore, RunSummary, TimerEntry } from '../../store/index.js';

/** What a test knows it wrote to one run. */
export interface KnownRun {
  readonly ref: RunRef;
  readonly events: readonly HistoryEvent[];
}

function openTimers(runs: readonly KnownRun[]): TimerEntry[] {
  const open = new Map<string, TimerEntry>();
  for (const { events } of runs) {
    for (const e of events) {
      if (e.type !== 'TimerStarted' && e.type !== 'TimerFired' && e.type !== 'TimerCancelled')
        continue;
      const key = timerKey(e.fireAt, e.workflowId, e.runId, e.timerId);
      if (e.type === 'TimerStarted') {
        open.set(key, {
          fireAt: e.fireAt,
          workflowId: e.workflowId,
          runId: e.runId,
          timerId: e.timerId,
        });
      } else {
        open.delete(key);
      }
    }
  }
  return [...open.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, t]) => t);
}

const byRunKey = (a: RunSummary, b: RunSummary): number => {
  const ka = runKey(a.workflowId, a.runId);
  const kb = runKey(b.workflowId, b.runId);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

/**
 * Checks that everything a store derives agrees with the histories a test
 * wrote: each history and summary, the latest run of each workflow id, the
 * non-terminal index, the due-timer index and the listings. `runs` must be
 * every run in the store, in the order they were started (the latest run of
 * a workflow id is the last one started).
 */
export async function expectConsistent(
  store: EventStore,
  runs: readonly KnownRun[],
): Promise<void> {
  const summaries: RunSummary[] = [];
  const latest = new Map<string, string>();
  for (const { ref, events } of runs) {
    expect(await store.readHistory(ref.workflowId, ref.runId)).toStrictEqual(events);
    const summary = await store.getRun(ref.workflowId, ref.runId);
    if (events.length === 0) {
      expect(summary).toBeUndefined();
      continue;
    }
    const expected = applyEvents(undefined, events);
    expect(summary).toStrictEqual(expected);
    summaries.push(expected);
    latest.set(ref.workflowId, ref.runId);
  }
  for (const [workflowId, runId] of latest) {
    expect(await store.getLatestRunId(workflowId)).toBe(runId);
  }
  const running = summaries.filter((s) => s.status === 'running').sort(byRunKey);
  expect([...(await store.listNonTerminal())].sort(byRunKey)).toStrictEqual(running);
  const timers = openTimers(runs);
  expect(await store.nextTimers(timers.length + 10)).toStrictEqual(timers);
  const all = await store.listRuns({ limit: 10_000 });
  expect([...all.items].sort(byRunKey)).toStrictEqual([...summaries].sort(byRunKey));
  for (const status of WORKFLOW_STATUSES) {
    const page = await store.listRuns({ status, limit: 10_000 });
    expect([...page.items].sort(byRunKey)).toStrictEqual(
      summaries.filter((s) => s.status === status).sort(byRunKey),
    );
  }
}
