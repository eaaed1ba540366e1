import { afterAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../src/store/index.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { appendOf, runWriter, startedBody } from '../../src/testing/conformance/event-fixtures.js';
import { removeTempDirs, tempDir } from './level-helpers.js';

afterAll(removeTempDirs);

const ref = (i: number) => ({ workflowId: `wf-${i}`, runId: `run-${i}` });
const signal = (payload: unknown) => ({ type: 'SignalReceived', name: 's', payload }) as const;

describe('LevelStore group commit', () => {
  it('writes many concurrent commits in far fewer batches', async () => {
    const store = await LevelStore.open(await tempDir());
    const writers = Array.from({ length: 200 }, (_, i) => runWriter(store, ref(i)));
    await Promise.all(
      writers.map(async (w) => {
        await w.append(startedBody());
        for (let n = 0; n < 4; n++) await w.append(signal(n));
      }),
    );
    const stats = store.stats();
    expect(stats.commits).toBe(1000);
    expect(stats.events).toBe(1000);
    // Five rounds of 200 commits each: one batch per round, with a little slack.
    expect(stats.batches).toBeLessThanOrEqual(10);
    expect(stats.largestBatch).toBeGreaterThanOrEqual(100);
    await store.close();
  });

  it('caps a batch at maxBatchEvents, sending a larger commit alone', async () => {
    const store = await LevelStore.open(await tempDir(), { maxBatchEvents: 16 });
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => store.commit([appendOf(ref(i), 0, [startedBody()])])),
    );
    expect(store.stats().largestBatch).toBeLessThanOrEqual(16);
    expect(store.stats().batches).toBeGreaterThanOrEqual(7);
    const big = Array.from({ length: 40 }, (_, n) => signal(n));
    await store.commit([appendOf(ref(0), 1, big)]);
    expect(store.stats().largestBatch).toBe(40);
    await store.close();
  });

  it('keeps its head cache bounded and drops ended runs, without losing a conflict', async () => {
    const store = await LevelStore.open(await tempDir(), { cacheRuns: 20 });
    const writers = Array.from({ length: 100 }, (_, i) => runWriter(store, ref(i)));
    for (const w of writers) await w.append(startedBody());
    expect(store.stats().cachedRuns).toBeLessThanOrEqual(20);
    // run 0 was evicted long ago: its head is read back from disk.
    await expectRejection(
      store.commit([appendOf(ref(0), 0, [startedBody()])]),
      'SEQUENCE_CONFLICT',
    );
    await writers[0]?.append(signal('after eviction'));
    const cached = store.stats().cachedRuns;
    for (const w of writers.slice(-10)) await w.append({ type: 'WorkflowCompleted', result: null });
    expect(store.stats().cachedRuns).toBeLessThanOrEqual(cached - 10 + 1);
    await expectRejection(
      store.commit([appendOf(ref(99), 2, [signal(1)])]),
      'WORKFLOW_NOT_RUNNING',
    );
    await store.close();
  });
});
