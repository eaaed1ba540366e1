import type { HistoryEvent } from '../core/index.js';
import type { RunSummary } from './event-store.js';
import type { IndexName } from './index-changes.js';
import { historyKey, seqOfHistoryKey } from './key-codec.js';
import type { LevelLayout } from './level-layout.js';
import { decodeEvent } from './record-codec.js';
import { decodeSummary } from './summary-codec.js';
import type { KeyRange, StoreReader } from './run-queries.js';

/** The {@link StoreReader} of a LevelDB layout: index iterators and `getMany` on runs. */
export function levelReader(layout: LevelLayout): StoreReader {
  return {
    indexEntries: (index: IndexName, range: KeyRange) =>
      layout.indexes[index].iterator(range).all(),
    summaries: async (keys: readonly string[]): Promise<Array<RunSummary | undefined>> => {
      if (keys.length === 0) return [];
      const values = await layout.runs.getMany([...keys]);
      return values.map((bytes, i) =>
        bytes === undefined ? undefined : decodeSummary(keys[i] as string, bytes),
      );
    },
  };
}

/**
 * Reads events `from..to` (inclusive) of one run with one iterator over its
 * key range: never a scan of other runs.
 */
export async function readLevelHistory(
  layout: LevelLayout,
  workflowId: string,
  runId: string,
  from: number,
  to: number,
): Promise<HistoryEvent[]> {
  const entries = await layout.history
    .iterator({ gte: historyKey(workflowId, runId, from), lte: historyKey(workflowId, runId, to) })
    .all();
  return entries.map(([key, bytes]) =>
    decodeEvent(key, bytes, workflowId, runId, seqOfHistoryKey(key)),
  );
}

/** Reads one run summary. */
export async function readLevelSummary(
  layout: LevelLayout,
  key: string,
): Promise<RunSummary | undefined> {
  const bytes = await layout.runs.get(key);
  return bytes === undefined ? undefined : decodeSummary(key, bytes);
}
