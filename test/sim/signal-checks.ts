import { isDeepStrictEqual } from 'node:util';
import { consumedSignals, sidOf } from './received-checks.js';
import type { LogEntry } from './script.js';
import { runKey } from './snapshot.js';
import type { Snapshot, SnapshotRun } from './snapshot.js';

/** What {@link checkSignals} found. */
export interface SignalFindings {
  /** Acknowledged signals recorded in no run of their workflow. */
  readonly lost: number;
  readonly problems: string[];
}

/**
 * Checks signals across runs (SPEC 6):
 * - none lost: every signal whose `signal()` resolved is recorded in a run
 *   of the workflow it was sent to;
 * - consumed at most once: no sid appears twice in the logs of the code;
 * - recorded in two runs only when carried by continue-as-new, unconsumed
 *   by the first: the next run's history begins, right after its
 *   `WorkflowStarted`, with exactly the signals its predecessor recorded
 *   and never consumed, in arrival order.
 *
 * `ctx.signalWorkflow` is at most once across a crash, so its signals
 * (never acknowledged to the simulator) may be missing but never doubled.
 *
 * @param logs what the code of each run received, for the runs whose log is known.
 * @param acked sid -> the workflow id `signal()` targeted.
 */
export function checkSignals(
  snapshot: Snapshot,
  logs: ReadonlyMap<string, readonly LogEntry[]>,
  acked: ReadonlyMap<string, string>,
): SignalFindings {
  const problems: string[] = [];
  const recordedIn = new Map<string, SnapshotRun[]>();
  for (const run of snapshot.runs.values()) {
    for (const event of run.history) {
      const sid = event.type === 'SignalReceived' ? sidOf(event.payload) : undefined;
      if (sid === undefined) continue;
      const list = recordedIn.get(sid) ?? [];
      list.push(run);
      recordedIn.set(sid, list);
    }
  }

  let lost = 0;
  for (const [sid, workflowId] of acked) {
    const runs = recordedIn.get(sid) ?? [];
    if (runs.length === 0) {
      lost++;
      problems.push(`signal ${sid} to ${workflowId} was acknowledged but is recorded nowhere`);
    } else if (runs.some((run) => run.summary.workflowId !== workflowId)) {
      problems.push(`signal ${sid} to ${workflowId} is recorded in another workflow`);
    }
  }

  const consumedBy = new Map<string, string[]>();
  for (const [key, log] of logs) {
    for (const sids of consumedSignals(log).values()) {
      for (const sid of sids) consumedBy.set(sid, [...(consumedBy.get(sid) ?? []), key]);
    }
  }
  for (const [sid, keys] of consumedBy) {
    if (keys.length > 1)
      problems.push(`signal ${sid} was consumed ${keys.length} times (${keys.join(', ')})`);
  }

  for (const [sid, runs] of recordedIn) {
    runs.sort(
      (a, b) =>
        a.summary.startedAt - b.summary.startedAt ||
        (a.summary.nextRunId === b.summary.runId
          ? -1
          : b.summary.nextRunId === a.summary.runId
            ? 1
            : 0),
    );
    for (let i = 1; i < runs.length; i++) {
      const before = runs[i - 1] as SnapshotRun;
      const after = runs[i] as SnapshotRun;
      if (after.summary.previousRunId !== before.summary.runId) {
        problems.push(
          `signal ${sid} is recorded in ${before.summary.runId} and ${after.summary.runId}, which no continue-as-new links`,
        );
      }
      const consumers = consumedBy.get(sid) ?? [];
      if (consumers.includes(runKey(before.summary.workflowId, before.summary.runId))) {
        problems.push(
          `signal ${sid} was consumed by ${before.summary.runId} and carried to ${after.summary.runId}`,
        );
      }
    }
  }

  for (const [key, run] of snapshot.runs) {
    const log = logs.get(key);
    const next = run.summary.nextRunId;
    if (log === undefined || next === undefined) continue;
    const successor = snapshot.runs.get(runKey(run.summary.workflowId, next));
    if (successor === undefined) continue;
    const consumed = new Set([...consumedSignals(log).values()].flat());
    const carried = run.history
      .filter((event) => event.type === 'SignalReceived')
      .map((event) => sidOf(event.payload) ?? '?')
      .filter((sid) => !consumed.has(sid));
    const head = successor.history
      .slice(1, 1 + carried.length)
      .map((event) =>
        event.type === 'SignalReceived' ? (sidOf(event.payload) ?? '?') : event.type,
      );
    if (!isDeepStrictEqual(head, carried)) {
      problems.push(
        `${run.summary.workflowId}/${next}: carried signals [${head.join(', ')}], expected [${carried.join(', ')}]`,
      );
    }
  }
  return { lost, problems };
}
