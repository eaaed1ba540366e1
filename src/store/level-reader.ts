import type { HistoryEvent } from '../core/index.js';
import type { RunSummary } from './event-store.js';
import type { IndexName } from './index-changes.js';
import { historyKey } from './key-codec.js';
import type { LevelLayout } from './level-layout.js';
import { decodeHistory } from './record-codec.js';
import { decodeSummary, summarySlot } from './summary-codec.js';
import type { KeyRange, StoreReader, SummarySlot } from './store-reader.js';

/** The {@link StoreReader} of a LevelDB layout: index iterators and `getMany` on runs. */
export function levelReader(layout: LevelLayout): StoreReader {
  return {
    indexEntries: (index: IndexName, range: KeyRange) =>
      layout.indexes[index].iterator(range).all(),
    summaries: async (keys: readonly string[]): Promise<SummarySlot[]> => {
      if (keys.length === 0) return [];
      const values = await layout.runs.getMany([...keys]);
      return values.map((bytes, i) =>
        bytes === undefined ? undefined : summarySlot(keys[i] as string, bytes),
      );
    },
  };
}

/**
 * Reads events `from..to` (inclusive) of one run with one iterator over its
 * key range: never a scan of other runs. A damaged key or a missing seq in
 * the range is `STORE_CORRUPT` (see `decodeHistory`).
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
  return decodeHistory(entries, workflowId, runId, from);
}

/** Reads one run summary. */
export async function readLevelSummary(
  layout: LevelLayout,
  key: string,
): Promise<RunSummary | undefined> {
  const bytes = await layout.runs.get(key);
  return bytes === undefined ? undefined : decodeSummary(key, bytes);
}
