/**
 * The raw LevelDB ceiling every engine figure is read against: chained
 * batches of 64 small values written back to back with `sync: true`, in the
 * same process and on the same disk as the engine being measured.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';

const VALUE = new Uint8Array(96).fill(7);

/** Events per second through raw synced batches of `batchSize` puts. */
export async function rawBatchCeiling(
  scratch: string,
  durationMs: number,
  batchSize = 64,
): Promise<number> {
  const dir = await mkdtemp(join(scratch, 'ceiling-'));
  const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
  await db.open();
  try {
    let written = 0;
    let n = 0;
    const start = performance.now();
    while (performance.now() - start < durationMs) {
      const batch = db.batch();
      for (let i = 0; i < batchSize; i++) batch.put(`k${String(n++).padStart(12, '0')}`, VALUE);
      await batch.write({ sync: true });
      written += batchSize;
    }
    return written / ((performance.now() - start) / 1000);
  } finally {
    await db.close();
  }
}

/** An events/s figure as a share of a raw ceiling measured in the same run. */
export function shareOf(eventsPerS: number, ceiling: number): string {
  return `${((eventsPerS / ceiling) * 100).toFixed(1)}% of ceiling`;
}
