import type { StoreError } from '../core/index.js';
import type { RunSummary } from './event-store.js';
import type { IndexName } from './index-changes.js';

/** A key range over one index, with level's iterator semantics. */
export interface KeyRange {
  readonly gte?: string;
  readonly lt?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * The two primitive reads the index queries need. `LevelStore` serves them
 * with iterators and `getMany`, `MemoryStore` with sorted maps, so both
 * stores answer listing and timer queries with the same code.
 */
export interface StoreReader {
  /** `[key, value]` entries of an index within `range`, in key order (or reversed). */
  indexEntries(index: IndexName, range: KeyRange): Promise<Array<[string, string]>>;
  /**
   * Run summaries by run key: `undefined` where none is stored, the
   * `STORE_CORRUPT` error where the stored one cannot be decoded (one
   * damaged summary must not hide the others).
   */
  summaries(keys: readonly string[]): Promise<SummarySlot[]>;
}

/** One answer of {@link StoreReader.summaries}. */
export type SummarySlot = RunSummary | undefined | StoreError;
