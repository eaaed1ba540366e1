import { createBatchWriter } from './level-batch.js';
import { GroupCommitter } from './group-commit.js';
import type { LevelLayout } from './level-layout.js';
import { levelReader } from './level-reader.js';
import type { LevelStoreSettings } from './level-store-options.js';
import { RunCache } from './run-cache.js';
import type { StoreReader } from './store-reader.js';
import { decodeSummary } from './summary-codec.js';
import { WriteAdmission } from './write-admission.js';

/** What exists while a `LevelStore` is open. */
export interface LevelStoreParts {
  readonly layout: LevelLayout;
  readonly cache: RunCache;
  readonly committer: GroupCommitter;
  readonly admission: WriteAdmission;
  readonly reader: StoreReader;
}

/**
 * Wires the parts of an open store around its layout: the head cache, the
 * group committer and the write admission that bounds it, and the reader.
 *
 * @returns the parts; synchronous, so opening takes no more ticks than the
 *   layout itself does.
 */
export function levelStoreParts(
  layout: LevelLayout,
  settings: LevelStoreSettings,
): LevelStoreParts {
  const { runs } = layout;
  const cache = new RunCache(settings.cacheRuns, (key) => {
    const bytes = runs.getSync(key);
    return bytes === undefined ? undefined : decodeSummary(key, bytes);
  });
  const write = createBatchWriter(layout, {
    sync: settings.durability === 'sync',
    beforeWrite: settings.beforeWrite,
  });
  const committer: GroupCommitter = new GroupCommitter(write, cache, settings.maxBatchEvents, () =>
    admission.drained(),
  );
  const admission = new WriteAdmission(settings.maxPendingCommits, () => committer.pending);
  return { layout, cache, committer, admission, reader: levelReader(layout) };
}
