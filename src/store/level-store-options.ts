import { InvalidArgumentError } from '../core/index.js';
import type { Durability } from './event-store.js';
import type { BatchInfo } from './level-batch.js';

/** Options of {@link LevelStore}; validated once, at construction. */
export interface LevelStoreOptions {
  /**
   * `'sync'` fsyncs every batch before acknowledging its commits; `'relaxed'`
   * does not (survives a process crash, not a power loss).
   * @default 'sync'
   */
  readonly durability?: Durability;
  /**
   * The most events one batch carries (a larger single commit still goes
   * alone): bounds how long a commit can wait behind others.
   * @default 1024
   */
  readonly maxBatchEvents?: number;
  /**
   * How many idle runs' heads to keep in memory for the expected-seq check.
   * @default 10000
   */
  readonly cacheRuns?: number;
  /**
   * Backpressure: once this many commits are pending (queued or being
   * written), writers from outside the engine's runs wait in
   * {@link LevelStore.admit} until batches drain. Appends of running runs
   * are never held (at most one per resident run is pending), so runs
   * always finish. See docs/storage.md, "Backpressure".
   * @default 4096
   */
  readonly maxPendingCommits?: number;
  /**
   * Test and fault-injection hook, awaited before each batch is written:
   * throwing or rejecting fails that batch exactly as a LevelDB write error
   * would (`STORE_WRITE_FAILED`, nothing written); delaying holds the batch
   * in flight while later commits queue.
   */
  readonly beforeWrite?: (batch: BatchInfo) => void | Promise<void>;
}

/** {@link LevelStoreOptions} once checked, with every default filled in. */
export type LevelStoreSettings = Required<Omit<LevelStoreOptions, 'beforeWrite'>> & {
  readonly beforeWrite: LevelStoreOptions['beforeWrite'] | undefined;
};

function positiveInteger(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1`, { details: { value } });
  }
  return value;
}

/**
 * Checks the options of a {@link LevelStore} and fills in the defaults.
 *
 * @throws InvalidArgumentError for malformed options.
 */
export function levelStoreSettings(options: LevelStoreOptions): LevelStoreSettings {
  const durability = options.durability ?? 'sync';
  if (durability !== 'sync' && durability !== 'relaxed') {
    throw new InvalidArgumentError(`durability must be 'sync' or 'relaxed'`, {
      details: { durability },
    });
  }
  return {
    durability,
    maxBatchEvents: positiveInteger(options.maxBatchEvents, 'maxBatchEvents', 1024),
    cacheRuns: positiveInteger(options.cacheRuns, 'cacheRuns', 10_000),
    maxPendingCommits: positiveInteger(options.maxPendingCommits, 'maxPendingCommits', 4096),
    beforeWrite: options.beforeWrite,
  };
}
