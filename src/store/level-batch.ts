import type { RunSummary } from './event-store.js';
import type { BatchWriter, QueuedCommit } from './group-commit.js';
import type { IndexName } from './index-changes.js';
import type { LevelLayout, Sublevel } from './level-layout.js';
import { encodeSummary } from './summary-codec.js';

/** What a {@link LevelStoreOptions.beforeWrite} hook learns about a batch. */
export interface BatchInfo {
  readonly commits: number;
  readonly events: number;
}

/** How batches are written. */
export interface BatchWriterOptions {
  /** fsync each batch before it counts as written. */
  readonly sync: boolean;
  /** Awaited before each write; throwing fails the batch (fault injection). */
  readonly beforeWrite?: ((batch: BatchInfo) => void | Promise<void>) | undefined;
}

const EMPTY = new Uint8Array(0);

/** An index value as bytes: most are empty, so one shared empty array serves them. */
function indexValue(value: string): Uint8Array {
  return value.length === 0 ? EMPTY : Buffer.from(value, 'utf8');
}

/**
 * Creates the writer of group-commit batches on a LevelDB layout.
 *
 * One chained batch per group (`db.batch().put(…).write({ sync })`): each
 * `put` hands its key and value to LevelDB at once, which measured 2-2.5x
 * faster than building an operations array.
 *
 * Operations go to the root database with the sublevel prefix already
 * applied and values already bytes, instead of through the `sublevel`
 * option: measured here, abstract-level's per-operation sublevel handling
 * cost about 5 µs per put against 0.7 µs for a plain put, which was most of
 * the JavaScript time of a batch. The bytes on disk are identical, and reads
 * go through the sublevels as usual.
 */
export function createBatchWriter(layout: LevelLayout, options: BatchWriterOptions): BatchWriter {
  const historyPrefix = layout.history.prefix;
  const runsPrefix = layout.runs.prefix;
  const indexPrefix = {} as Record<IndexName, string>;
  for (const [name, sublevel] of Object.entries(layout.indexes) as Array<
    [IndexName, Sublevel<string>]
  >) {
    indexPrefix[name] = sublevel.prefix;
  }
  const { sync, beforeWrite } = options;

  return async (commits: readonly QueuedCommit[]): Promise<void> => {
    const batch = layout.db.batch();
    try {
      // A run committed several times in one batch needs only its last summary.
      const summaries = new Map<string, RunSummary>();
      let events = 0;
      for (const { plan } of commits) {
        const keys = plan.historyKeys;
        const values = plan.historyValues;
        for (let i = 0; i < keys.length; i++) {
          batch.put(historyPrefix + (keys[i] as string), values[i] as Uint8Array);
        }
        events += keys.length;
        // In event order: a later del undoes an earlier put within the batch.
        for (const op of plan.indexOps) {
          if (op.op === 'put') batch.put(indexPrefix[op.index] + op.key, indexValue(op.value));
          else batch.del(indexPrefix[op.index] + op.key);
        }
        for (const run of plan.runs) summaries.set(run.key, run.summary);
      }
      for (const [key, summary] of summaries) batch.put(runsPrefix + key, encodeSummary(summary));
      if (beforeWrite !== undefined) await beforeWrite({ commits: commits.length, events });
      await batch.write({ sync });
    } finally {
      // A no-op after a successful write; releases the batch after a failure.
      await batch.close();
    }
  };
}
