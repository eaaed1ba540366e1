import { afterAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../src/store/index.js';
import type { BatchInfo } from '../../src/store/index.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { expectConsistent } from '../../src/testing/conformance/consistency.js';
import { appendOf, runWriter, startedBody } from '../../src/testing/conformance/event-fixtures.js';
import { removeTempDirs, tempDir } from './level-helpers.js';

afterAll(removeTempDirs);

const A = { workflowId: 'wf-a', runId: 'run-a' };
const B = { workflowId: 'wf-b', runId: 'run-b' };
const C = { workflowId: 'wf-c', runId: 'run-c' };
const signal = (payload: unknown) => ({ type: 'SignalReceived', name: 's', payload }) as const;

/** A beforeWrite hook whose batches wait for the test, which then lets each pass or fail. */
function gate() {
  const waiting: Array<{ info: BatchInfo; release: (error?: Error) => void }> = [];
  let arrived: () => void = () => undefined;
  const hook = (info: BatchInfo): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      waiting.push({ info, release: (error) => (error === undefined ? resolve() : reject(error)) });
      arrived();
    });
  const next = async () => {
    while (waiting.length === 0) await new Promise<void>((resolve) => (arrived = resolve));
    return waiting.shift() as (typeof waiting)[number];
  };
  return { hook, next };
}

describe('LevelStore faults', () => {
  it('fails fast with STORE_LOCKED while another store holds the directory', async () => {
    const dir = await tempDir();
    const first = await LevelStore.open(dir);
    const error = await expectRejection(LevelStore.open(dir), 'STORE_LOCKED');
    expect(error.details).toMatchObject({ location: dir });
    await first.close();
    const second = await LevelStore.open(dir);
    await second.close();
  });

  it('rejects exactly the commits of a failed batch and leaves the store as it was', async () => {
    const { hook, next } = gate();
    const store = await LevelStore.open(await tempDir(), { beforeWrite: hook });
    const a = runWriter(store, A);
    const first = a.append(startedBody());
    (await next()).release();
    await first;

    const cause = new Error('disk on fire');
    const doomed = [
      store.commit([appendOf(A, 1, [signal(1)])]),
      store.commit([appendOf(B, 0, [startedBody()])]),
    ];
    const batch = await next();
    expect(batch.info).toStrictEqual({ commits: 2, events: 2 });
    // Queued behind the failing batch: one depends on it (same run), one does not.
    const dependent = store.commit([appendOf(A, 2, [signal(2)])]);
    const independent = store.commit([appendOf(C, 0, [startedBody()])]);
    batch.release(cause);
    for (const commit of doomed) {
      const error = await expectRejection(commit, 'STORE_WRITE_FAILED');
      expect(error.cause).toBe(cause);
    }
    const error = await expectRejection(dependent, 'STORE_WRITE_FAILED');
    expect(error.details).toMatchObject({ dependent: true });
    (await next()).release();
    await independent;
    expect(store.stats()).toMatchObject({ failedBatches: 1, commits: 2, events: 2 });
    await expectConsistent(store, [
      a,
      { ref: B, events: [] },
      { ref: C, events: await store.readHistory(C.workflowId, C.runId) },
    ]);

    // The heads were rolled back: the same appends now succeed.
    const retry = Promise.all([
      store.commit([appendOf(A, 1, [signal(1)])]),
      store.commit([appendOf(B, 0, [startedBody()])]),
    ]);
    (await next()).release();
    expect((await retry).map((r) => r.summaries[0]?.historyLength)).toStrictEqual([2, 1]);
    await store.close();
  });

  it('rolls a multi-run dependent back on every run it touched', async () => {
    const { hook, next } = gate();
    const store = await LevelStore.open(await tempDir(), { beforeWrite: hook });
    const setup = Promise.all([
      store.commit([appendOf(A, 0, [startedBody()])]),
      store.commit([appendOf(B, 0, [startedBody()])]),
    ]);
    (await next()).release();
    await setup;
    const failing = store.commit([appendOf(A, 1, [signal('a')])]);
    const batch = await next();
    const both = store.commit([appendOf(A, 2, [signal('a2')]), appendOf(B, 1, [signal('b')])]);
    const onB = store.commit([appendOf(B, 2, [signal('b2')])]);
    batch.release(new Error('boom'));
    await expectRejection(failing, 'STORE_WRITE_FAILED');
    await expectRejection(both, 'STORE_WRITE_FAILED');
    await expectRejection(onB, 'STORE_WRITE_FAILED');
    const again = store.commit([appendOf(B, 1, [signal('b')])]);
    (await next()).release();
    await again;
    expect((await store.readHistory(B.workflowId, B.runId)).map((e) => e.seq)).toStrictEqual([
      1, 2,
    ]);
    expect((await store.getRun(A.workflowId, A.runId))?.historyLength).toBe(1);
    await store.close();
  });

  it('keeps serving after a failed batch, and close still flushes', async () => {
    let fail = true;
    const store = await LevelStore.open(await tempDir(), {
      beforeWrite: () => {
        if (fail) {
          fail = false;
          throw new Error('once');
        }
      },
    });
    await expectRejection(store.commit([appendOf(A, 0, [startedBody()])]), 'STORE_WRITE_FAILED');
    const pending = store.commit([appendOf(A, 0, [startedBody()])]);
    await store.close();
    expect((await pending).summaries[0]?.historyLength).toBe(1);
    const reopened = await LevelStore.open(store.location);
    expect(await reopened.readHistory(A.workflowId, A.runId)).toHaveLength(1);
    await reopened.close();
  });

  it('validates its options and refuses calls before open', async () => {
    const dir = await tempDir();
    expect(() => new LevelStore(dir, { durability: 'fast' as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new LevelStore(dir, { maxBatchEvents: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => new LevelStore('')).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    const store = new LevelStore(dir, { durability: 'relaxed' });
    await expectRejection(store.commit([appendOf(A, 0, [startedBody()])]), 'ENGINE_CLOSED');
    await store.open();
    await store.open();
    await store.commit([appendOf(A, 0, [startedBody()])]);
    await store.close();
    await expectRejection(store.open(), 'ENGINE_CLOSED');
  });
});
