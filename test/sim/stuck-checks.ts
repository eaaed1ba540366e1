import type { WorkflowDescription } from '../../src/index.js';
import { project } from './history-checks.js';
import type { FlowState } from './script.js';
import { runKey } from './snapshot.js';
import type { Snapshot, SnapshotRun } from './snapshot.js';
import type { SimWorld } from './sim-world.js';

/** What the stuck check knows of one running run at the end. */
export interface RunningFacts {
  readonly run: SnapshotRun;
  readonly description: WorkflowDescription;
  /** Its `state` query answer, or the error code the query failed with. */
  readonly state: FlowState | string;
}

/**
 * Checks that no run is left stuck once the simulation settled (every
 * acknowledgement given, virtual time moved past every deadline it could
 * reach): every run still running is not blocked, holds no overdue timer,
 * and its code waits on something that can still happen: a signal, a
 * running child, a future timer, or an activity with an attempt executing
 * or a retry timer armed.
 */
export function checkStuck(
  snapshot: Snapshot,
  facts: readonly RunningFacts[],
  world: SimWorld,
  now: number,
): string[] {
  const problems: string[] = [];
  for (const { run, description, state } of facts) {
    const { workflowId, runId } = run.summary;
    const name = `${workflowId}/${runId}`;
    const p = project(run.history);
    if (description.blocked !== undefined) {
      problems.push(
        `${name}: blocked (${description.blocked.code}: ${description.blocked.message})`,
      );
      continue;
    }
    const overdue = [...p.openTimers].filter(([, fireAt]) => fireAt <= now);
    if (overdue.length > 0) {
      problems.push(
        `${name}: timers ${overdue.map(([id]) => id).join(', ')} are overdue and never fired`,
      );
    }
    if (typeof state === 'string') {
      problems.push(`${name}: its state query failed with ${state}`);
      continue;
    }
    const waiting = state.waiting;
    if (waiting.startsWith('signal:')) continue;
    if (waiting.startsWith('child:')) {
      const childId = waiting.slice('child:'.length);
      const latest = snapshot.latest.get(childId);
      const child = latest === undefined ? undefined : snapshot.runs.get(runKey(childId, latest));
      if (child?.summary.status !== 'running') {
        problems.push(
          `${name}: waits on child ${childId}, which is ${String(child?.summary.status)}`,
        );
      }
      continue;
    }
    if (waiting === 'sleep' && p.openTimers.size > 0) continue;
    if (waiting === 'activity' || waiting === 'race') {
      const idle = [...p.pendingActivities].filter((activityId) => {
        const retryArmed = [...p.openTimers.keys()].some((timerId) =>
          timerId.startsWith(`r${activityId}.`),
        );
        const key = `${workflowId}/${runId}/${activityId}`;
        const executing = world
          .attemptsOf(key)
          .some((record) => !record.finished && record.incarnation === world.incarnation);
        return !retryArmed && !executing;
      });
      if (p.pendingActivities.size > 0 && idle.length === 0) continue;
      if (waiting === 'race' && p.openTimers.size > 0 && idle.length === 0) continue;
      problems.push(
        `${name}: waits on activities [${idle.join(', ')}] with no attempt running or retry armed`,
      );
      continue;
    }
    problems.push(`${name}: still running while its code is at '${waiting}'`);
  }
  return problems;
}
