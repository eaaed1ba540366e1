import type { HistoryEvent } from '../../src/core/index.js';
import type { Snapshot } from './snapshot.js';

const OMIT = new Set(['seq', 'type', 'workflowId', 'runId', 'recordedAt']);

/** One event on one line: seq, time, type and its fields (long values cut). */
export function formatEvent(event: HistoryEvent, start: number): string {
  const fields = Object.entries(event)
    .filter(([key]) => !OMIT.has(key))
    .map(([key, value]) => {
      const text = JSON.stringify(value) ?? 'undefined';
      return `${key}=${text.length > 160 && process.env.SIM_FULL === undefined ? `${text.slice(0, 157)}...` : text}`;
    });
  return `  ${event.seq} +${event.recordedAt - start} ${event.type} ${fields.join(' ')}`;
}

/** Every run of a snapshot with its summary and history, for debugging a seed. */
export function dumpSnapshot(snapshot: Snapshot): string[] {
  const lines: string[] = [];
  const runs = [...snapshot.runs.values()].sort(
    (a, b) =>
      a.summary.workflowId.localeCompare(b.summary.workflowId) ||
      a.summary.startedAt - b.summary.startedAt,
  );
  for (const run of runs) {
    const s = run.summary;
    lines.push(
      `run ${s.workflowId}/${s.runId} ${s.status} pendingActivities=${s.pendingActivities} pendingTimers=${s.pendingTimers}`,
    );
    for (const event of run.history) lines.push(formatEvent(event, Date.UTC(2024, 0, 1)));
  }
  return lines;
}
