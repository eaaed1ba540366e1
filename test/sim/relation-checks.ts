import { isDeepStrictEqual } from 'node:util';
import type { HistoryEvent } from '../../src/core/index.js';
import { runKey } from './snapshot.js';
import type { Snapshot, SnapshotRun } from './snapshot.js';

type Started = Extract<HistoryEvent, { type: 'WorkflowStarted' }>;

const startedOf = (run: SnapshotRun): Started | undefined => {
  const first = run.history[0];
  return first?.type === 'WorkflowStarted' ? first : undefined;
};

/** The last run of the continue-as-new chain that begins at `key`. */
function endOfChain(snapshot: Snapshot, key: string): SnapshotRun | undefined {
  let run = snapshot.runs.get(key);
  for (let hops = 0; run !== undefined && hops < 1_000; hops++) {
    const next = run.summary.nextRunId;
    if (run.summary.status !== 'continuedAsNew' || next === undefined) return run;
    run = snapshot.runs.get(runKey(run.summary.workflowId, next));
  }
  return run;
}

/** Which parent-side record a child's terminal event must produce. */
const CHILD_RECORD: Readonly<Record<string, string>> = {
  WorkflowCompleted: 'ChildWorkflowCompleted',
  WorkflowCancelled: 'ChildWorkflowCancelled',
  WorkflowFailed: 'ChildWorkflowFailed',
  WorkflowTimedOut: 'ChildWorkflowFailed',
  WorkflowTerminated: 'ChildWorkflowFailed',
};

/**
 * Checks what binds runs to each other, which the engine writes in atomic
 * batches and must never leave half done: a `ChildWorkflowStarted` and the
 * child's `WorkflowStarted` (same ids, type, input, parent), a
 * `WorkflowContinuedAsNew` and the next run's `WorkflowStarted`, and a
 * child outcome recorded in the parent and the terminal event that ended
 * the child's chain (same kind, same result).
 */
export function checkRelations(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) {
    const { workflowId, runId } = run.summary;
    const name = `${workflowId}/${runId}`;
    const started = startedOf(run);
    const starts = new Map<number, Extract<HistoryEvent, { type: 'ChildWorkflowStarted' }>>();
    // A start refused because the child id had a running run records
    // ChildWorkflowStarted (naming that run) and ChildWorkflowFailed.
    const refused = new Set(
      run.history.flatMap((e) =>
        e.type === 'ChildWorkflowFailed' && e.error.code === 'WORKFLOW_ALREADY_STARTED'
          ? [e.childOrdinal]
          : [],
      ),
    );
    for (const event of run.history) {
      if (refused.has((event as { childOrdinal?: number }).childOrdinal ?? -1)) continue;
      if (event.type === 'ChildWorkflowStarted') {
        starts.set(event.childOrdinal, event);
        const child = snapshot.runs.get(runKey(event.childWorkflowId, event.childRunId));
        const childStart = child === undefined ? undefined : startedOf(child);
        if (childStart === undefined) {
          problems.push(
            `${name}: started child ${event.childWorkflowId}/${event.childRunId}, which does not exist`,
          );
        } else if (
          childStart.parent?.workflowId !== workflowId ||
          childStart.parent.runId !== runId ||
          childStart.workflowType !== event.workflowType ||
          !isDeepStrictEqual(childStart.input, event.input)
        ) {
          problems.push(
            `${name}: child ${event.childWorkflowId} does not match its ChildWorkflowStarted`,
          );
        }
      } else if (
        event.type === 'ChildWorkflowCompleted' ||
        event.type === 'ChildWorkflowFailed' ||
        event.type === 'ChildWorkflowCancelled'
      ) {
        const start = starts.get(event.childOrdinal);
        const end =
          start === undefined
            ? undefined
            : endOfChain(snapshot, runKey(start.childWorkflowId, start.childRunId));
        const terminal = end?.history[end.history.length - 1];
        if (start === undefined || terminal === undefined) {
          problems.push(
            `${name}: ${event.type} for child ordinal ${event.childOrdinal} it never started`,
          );
        } else if (CHILD_RECORD[terminal.type] !== event.type) {
          problems.push(`${name}: recorded ${event.type} for a child that ended ${terminal.type}`);
        } else if (
          event.type === 'ChildWorkflowCompleted' &&
          terminal.type === 'WorkflowCompleted' &&
          !isDeepStrictEqual(event.result, terminal.result)
        ) {
          problems.push(
            `${name}: child ${event.childWorkflowId} result differs from its WorkflowCompleted`,
          );
        }
      } else if (event.type === 'WorkflowContinuedAsNew') {
        const next = snapshot.runs.get(runKey(workflowId, event.nextRunId));
        const nextStart = next === undefined ? undefined : startedOf(next);
        if (
          nextStart?.previousRunId !== runId ||
          !isDeepStrictEqual(nextStart.input, event.input) ||
          nextStart.parent?.runId !== started?.parent?.runId
        ) {
          problems.push(
            `${name}: next run ${event.nextRunId} does not match WorkflowContinuedAsNew`,
          );
        }
      }
    }
    if (started?.previousRunId !== undefined) {
      const previous = snapshot.runs.get(runKey(workflowId, started.previousRunId));
      if (previous?.summary.nextRunId !== runId) {
        problems.push(
          `${name}: previous run ${started.previousRunId} did not continue as this run`,
        );
      }
    } else if (started?.parent !== undefined) {
      const parent = snapshot.runs.get(runKey(started.parent.workflowId, started.parent.runId));
      const recorded = parent?.history.some(
        (e) => e.type === 'ChildWorkflowStarted' && e.childRunId === runId,
      );
      if (recorded !== true) problems.push(`${name}: its parent never recorded starting it`);
    }
  }
  return problems;
}
