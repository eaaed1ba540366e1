import { afterAll } from 'vitest';
import { LevelStore, historyKey, runKey } from '../../src/store/index.js';
import { describeEventStoreConformance } from '../../src/testing/store-conformance.js';
import { removeTempDirs, tempDir, withRawDb } from './level-helpers.js';

afterAll(removeTempDirs);

describeEventStoreConformance<LevelStore>('LevelStore', {
  open: async () => LevelStore.open(await tempDir()),
  reopen: async (closed) => LevelStore.open(closed.location),
  corrupt: async (store, target) => {
    await store.close();
    await withRawDb(store.location, async (db) => {
      if (target.kind === 'event') {
        // 0xc1 decodes to a placeholder object, not an event: caught by the shape check.
        const key = '!history!' + historyKey(target.workflowId, target.runId, target.seq);
        await db.put(key, new Uint8Array([0xc1]));
      } else {
        // A truncated array: msgpackr itself fails.
        await db.put('!runs!' + runKey(target.workflowId, target.runId), new Uint8Array([0x9e, 1]));
      }
    });
    return LevelStore.open(store.location);
  },
  cleanup: removeTempDirs,
});
