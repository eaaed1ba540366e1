import { afterAll, describe, expect, it } from 'vitest';
import { LevelStore, historyKey, listingKey, runKey, timerKey } from '../../src/store/index.js';
import { appendOf, BASE_TIME, startedBody } from '../../src/testing/conformance/event-fixtures.js';
import { removeTempDirs, tempDir, withRawDb } from './level-helpers.js';

afterAll(removeTempDirs);

describe('LevelStore layout on disk', () => {
  it('writes exactly the keys docs/storage.md describes', async () => {
    const store = await LevelStore.open(await tempDir());
    const ref = { workflowId: 'wf', runId: 'run' };
    await store.commit([
      appendOf(
        ref,
        0,
        [
          startedBody('order'),
          { type: 'TimerStarted', timerId: 't', fireAt: 900, kind: 'sleep', durationMs: 1 },
        ],
        BASE_TIME,
      ),
    ]);
    await store.close();
    const keys = await withRawDb(store.location, async (db) => db.keys().all());
    expect(keys.sort()).toStrictEqual(
      [
        '!by-start!' + listingKey('', BASE_TIME, 'wf', 'run'),
        '!by-status!' + listingKey('running', BASE_TIME, 'wf', 'run'),
        '!by-type!' + listingKey('order', BASE_TIME, 'wf', 'run'),
        '!history!' + historyKey('wf', 'run', 1),
        '!history!' + historyKey('wf', 'run', 2),
        '!latest!wf',
        '!nonterminal!' + runKey('wf', 'run'),
        '!runs!' + runKey('wf', 'run'),
        '!timers!' + timerKey(900, 'wf', 'run', 't'),
      ].sort(),
    );
  });
});
