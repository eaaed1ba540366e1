import type { EventStore } from '../../src/store/index.js';
import { checkHistory } from './history-checks.js';
import { checkIndexes } from './index-checks.js';
import { checkRelations } from './relation-checks.js';
import { loadSnapshot } from './snapshot.js';
import type { Snapshot } from './snapshot.js';

/**
 * Reads a whole store and checks it: every history on its own, summaries
 * and indexes against the histories, and the links between runs.
 *
 * @returns the snapshot read and the problems found (none when it holds).
 */
export async function checkStore(
  store: EventStore,
): Promise<{ snapshot: Snapshot; problems: string[] }> {
  const snapshot = await loadSnapshot(store);
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) problems.push(...checkHistory(run));
  problems.push(...checkIndexes(snapshot), ...checkRelations(snapshot));
  return { snapshot, problems };
}
