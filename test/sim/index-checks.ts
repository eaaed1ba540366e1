import { WORKFLOW_STATUSES } from '../../src/core/index.js';
import { project } from './history-checks.js';
import { runKey } from './snapshot.js';
import type { Snapshot, SnapshotRun } from './snapshot.js';

const sameSet = (a: ReadonlySet<string>, b: ReadonlySet<string>): boolean =>
  a.size === b.size && [...a].every((key) => b.has(key));

const describeDiff = (found: ReadonlySet<string>, wanted: ReadonlySet<string>): string => {
  const extra = [...found].filter((key) => !wanted.has(key));
  const missing = [...wanted].filter((key) => !found.has(key));
  return `extra [${extra.join(', ')}], missing [${missing.join(', ')}]`;
};

/**
 * Checks that every index agrees with the histories: the non-terminal
 * index, the status and type listings, the due-timer index (exactly the
 * open timers of every history) and the latest-run pointer of each
 * workflow id (a run of that id started no earlier than any other, and not
 * one that continued as new).
 */
export function checkIndexes(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const runs = [...snapshot.runs.entries()];
  const statusOf = new Map(runs.map(([key, run]) => [key, project(run.history).status]));

  const running = new Set(runs.filter(([key]) => statusOf.get(key) === 'running').map(([k]) => k));
  if (!sameSet(snapshot.nonTerminal, running)) {
    problems.push(`non-terminal index: ${describeDiff(snapshot.nonTerminal, running)}`);
  }
  for (const status of WORKFLOW_STATUSES) {
    const wanted = new Set(runs.filter(([key]) => statusOf.get(key) === status).map(([k]) => k));
    const found = snapshot.byStatus.get(status) ?? new Set<string>();
    if (!sameSet(found, wanted)) {
      problems.push(`status listing '${status}': ${describeDiff(found, wanted)}`);
    }
  }
  for (const [type, found] of snapshot.byType) {
    const wanted = new Set(
      runs.filter(([, run]) => run.summary.workflowType === type).map(([k]) => k),
    );
    if (!sameSet(found, wanted))
      problems.push(`type listing '${type}': ${describeDiff(found, wanted)}`);
  }

  const timerKey = (fireAt: number, workflowId: string, runId: string, timerId: string): string =>
    `${fireAt} ${workflowId} ${runId} ${timerId}`;
  const openTimers = new Set<string>();
  for (const [, run] of runs) {
    for (const [timerId, fireAt] of project(run.history).openTimers) {
      openTimers.add(timerKey(fireAt, run.summary.workflowId, run.summary.runId, timerId));
    }
  }
  const indexed = new Set(
    snapshot.timers.map((t) => timerKey(t.fireAt, t.workflowId, t.runId, t.timerId)),
  );
  if (indexed.size !== snapshot.timers.length) problems.push('the timer index lists a timer twice');
  if (!sameSet(indexed, openTimers)) {
    problems.push(`timer index: ${describeDiff(indexed, openTimers)}`);
  }

  const byWorkflow = new Map<string, SnapshotRun[]>();
  for (const [, run] of runs) {
    const list = byWorkflow.get(run.summary.workflowId) ?? [];
    list.push(run);
    byWorkflow.set(run.summary.workflowId, list);
  }
  for (const [workflowId, list] of byWorkflow) {
    const latestId = snapshot.latest.get(workflowId);
    const latest =
      latestId === undefined ? undefined : snapshot.runs.get(runKey(workflowId, latestId));
    if (latest === undefined) {
      problems.push(`latest run of ${workflowId} is ${String(latestId)}: no such run`);
      continue;
    }
    const newest = Math.max(...list.map((run) => run.summary.startedAt));
    if (latest.summary.startedAt < newest) {
      problems.push(`latest run of ${workflowId} is ${String(latestId)}, not the newest`);
    }
    if (latest.summary.status === 'continuedAsNew') {
      problems.push(`latest run of ${workflowId} is ${String(latestId)}, which continued as new`);
    }
  }
  return problems;
}
