import { zeroGroupCommitStats } from './group-commit.js';
import type { GroupCommitStats } from './group-commit.js';
import type { LevelStoreParts } from './level-store-parts.js';

/** Counters of a {@link LevelStore}. */
export interface LevelStoreStats extends GroupCommitStats {
  /** Commits waiting for a batch. */
  readonly queued: number;
  /** Commits not yet durable: queued or in the batch being written. */
  readonly pending: number;
  /** The backpressure bound (`maxPendingCommits`). */
  readonly maxPendingCommits: number;
  /** Writers waiting in {@link LevelStore.admit} for room. */
  readonly waiting: number;
  /** The most writers that waited at once. */
  readonly peakWaiting: number;
  /** Runs whose heads are cached. */
  readonly cachedRuns: number;
}

/**
 * The counters of a store's parts, zero before it opened.
 *
 * @param live the open store's parts, `undefined` before open.
 */
export function levelStoreStats(
  live: LevelStoreParts | undefined,
  maxPendingCommits: number,
): LevelStoreStats {
  const base = live?.committer.stats ?? zeroGroupCommitStats();
  const admission = live?.admission.stats();
  return {
    ...base,
    queued: live?.committer.queued ?? 0,
    pending: live?.committer.pending ?? 0,
    maxPendingCommits,
    waiting: admission?.waiting ?? 0,
    peakWaiting: admission?.peakWaiting ?? 0,
    cachedRuns: live?.cache.size ?? 0,
  };
}
