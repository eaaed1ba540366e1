import { isDeepStrictEqual } from 'node:util';
import type { Snapshot } from './snapshot.js';
import type { SimWorld } from './sim-world.js';

/**
 * Checks recorded activity attempts against what the world saw executed
 * (SPEC 4): every recorded attempt outcome (completed or failed) was
 * executed with that attempt number, and a recorded result is exactly what
 * one execution of that attempt returned. Executions that a crash made the
 * engine forget may exist beside them (at least once, not exactly once).
 */
export function checkActivities(snapshot: Snapshot, world: SimWorld): string[] {
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) {
    const { workflowId, runId } = run.summary;
    for (const event of run.history) {
      if (event.type !== 'ActivityCompleted' && event.type !== 'ActivityFailed') continue;
      const key = `${workflowId}/${runId}/${event.activityId}`;
      const executions = world.attemptsOf(key).filter((record) => record.attempt === event.attempt);
      if (executions.length === 0) {
        problems.push(`${key}: ${event.type} for attempt ${event.attempt}, which never ran`);
      } else if (
        event.type === 'ActivityCompleted' &&
        !executions.some((record) => isDeepStrictEqual(record.returned, event.result))
      ) {
        problems.push(
          `${key}: the recorded result of attempt ${event.attempt} is not what it returned`,
        );
      }
    }
  }
  return problems;
}
