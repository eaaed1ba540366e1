import { describe, expect, it } from 'vitest';
import { MemoryStore, historyKey, runKey } from '../../src/store/index.js';
import { describeEventStoreConformance } from '../../src/testing/store-conformance.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { appendOf, startedBody } from '../../src/testing/conformance/event-fixtures.js';

describeEventStoreConformance<MemoryStore>('MemoryStore', {
  open: async () => new MemoryStore(),
  reopen: async (closed) => new MemoryStore({ data: closed.data }),
  corrupt: async (store, target) => {
    const garbage = new Uint8Array([0xc1]);
    if (target.kind === 'event') {
      store.data.history.set(historyKey(target.workflowId, target.runId, target.seq), garbage);
    } else {
      store.data.runs.set(runKey(target.workflowId, target.runId), garbage);
    }
    return store;
  },
});

const ref = { workflowId: 'w', runId: 'r' };

describe('MemoryStore', () => {
  it('fails the next commit on request, writing nothing, then commits again', async () => {
    const store = new MemoryStore();
    const cause = new Error('disk full');
    store.failNextCommit(cause);
    const error = await expectRejection(
      store.commit([appendOf(ref, 0, [startedBody()])]),
      'STORE_WRITE_FAILED',
    );
    expect(error.cause).toBe(cause);
    expect(await store.getRun('w', 'r')).toBeUndefined();
    expect(await store.getLatestRunId('w')).toBeUndefined();
    await store.commit([appendOf(ref, 0, [startedBody()])]);
    expect(store.stats()).toStrictEqual({ commits: 1, events: 1, failedCommits: 1 });
  });

  it('fails commits chosen by its beforeWrite hook', async () => {
    const store = new MemoryStore({
      beforeWrite: (appends) => {
        if (appends.some((a) => a.workflowId === 'doomed')) throw new Error('nope');
      },
    });
    await expectRejection(
      store.commit([appendOf({ workflowId: 'doomed', runId: 'r' }, 0, [startedBody()])]),
      'STORE_WRITE_FAILED',
    );
    await store.commit([appendOf(ref, 0, [startedBody()])]);
    expect(await store.getRun('doomed', 'r')).toBeUndefined();
    expect(await store.getRun('w', 'r')).toMatchObject({ historyLength: 1 });
  });

  it('reports a conflict before an injected failure', async () => {
    const store = new MemoryStore();
    store.failNextCommit();
    await expectRejection(store.commit([appendOf(ref, 3, [startedBody()])]), 'SEQUENCE_CONFLICT');
    await expectRejection(store.commit([appendOf(ref, 0, [startedBody()])]), 'STORE_WRITE_FAILED');
  });

  it('refuses a second open store over the same tables', async () => {
    const store = new MemoryStore();
    expect(() => new MemoryStore({ data: store.data })).toThrow(
      expect.objectContaining({ code: 'STORE_LOCKED' }),
    );
    await store.close();
    expect(new MemoryStore({ data: store.data })).toBeInstanceOf(MemoryStore);
  });
});
