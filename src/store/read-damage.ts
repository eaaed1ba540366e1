import type { StoreError } from '../core/index.js';
import type { CorruptionListener } from './event-store.js';
import type { IndexName } from './index-changes.js';
import { INDEX_SUBLEVELS } from './level-layout.js';
import { corruptRecord } from './record-codec.js';
import type { CorruptRun } from './record-codec.js';

/**
 * What a read does with a damaged record: hand it to the caller's listener
 * and go on, or, without a listener, reject with it (the read cannot give a
 * whole answer).
 *
 * @param onCorrupt the caller's listener, if it gave one.
 * @returns the function a query reports each damaged record to.
 */
export function reporter(onCorrupt: CorruptionListener | undefined): (error: StoreError) => void {
  return (error) => {
    if (onCorrupt === undefined) throw error;
    onCorrupt(error);
  };
}

/**
 * A damaged entry of an index, with its run when the key still names one.
 *
 * @returns the `STORE_CORRUPT` error to report.
 */
export function corruptEntry(
  index: IndexName,
  key: string,
  why: string,
  run?: CorruptRun,
): StoreError {
  return corruptRecord(INDEX_SUBLEVELS[index], key, why, undefined, run);
}
