import { afterAll, describe, expect, it } from 'vitest';
import { LevelStore } from '../../src/store/index.js';
import type { AdmissionRelease, BatchInfo } from '../../src/store/index.js';
import { WriteAdmission } from '../../src/store/write-admission.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { appendOf, startedBody } from '../../src/testing/conformance/event-fixtures.js';
import { tick, waitUntil } from '../helpers/wait-until.js';
import { removeTempDirs, tempDir } from './level-helpers.js';

afterAll(removeTempDirs);

const ref = (i: number) => ({ workflowId: `wf-${i}`, runId: `run-${i}` });
const startOf = (i: number) => appendOf(ref(i), 0, [startedBody()]);

/**
 * A disk whose batches wait until the test lets them through, one at a
 * time: commits pile up behind the held batch exactly as they would behind
 * a slow fsync, with no real time passing.
 */
function heldDisk() {
  const held: Array<() => void> = [];
  const seen: BatchInfo[] = [];
  return {
    hook: (batch: BatchInfo): Promise<void> => {
      seen.push(batch);
      return new Promise<void>((resolve) => held.push(resolve));
    },
    /** Batches waiting to be written. */
    get held(): number {
      return held.length;
    },
    seen,
    /** Lets the oldest held batch be written. */
    writeOne(): void {
      held.shift()?.();
    },
  };
}

/** Settles promptly or reports it is still pending after a few turns. */
async function settledWithin<T>(promise: Promise<T>, turns = 5): Promise<boolean> {
  let settled = false;
  promise.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns && !settled; i++) await tick();
  return settled;
}

describe('WriteAdmission', () => {
  it('admits writers while queued plus admitted commits stay under the limit, then in arrival order', async () => {
    let pending = 0;
    const admission = new WriteAdmission(3, () => pending);
    const first = await Promise.all([admission.admit(), admission.admit(), admission.admit()]);
    expect(admission.stats()).toMatchObject({ admitted: 3, waiting: 0 });
    const order: number[] = [];
    const later = [4, 5, 6].map((n) =>
      admission.admit().then((release) => (order.push(n), release)),
    );
    await tick();
    expect(order).toEqual([]);
    expect(admission.stats()).toMatchObject({ waiting: 3, peakWaiting: 3 });
    // The three admitted writers commit: their commits now count in the queue.
    pending = 3;
    for (const release of first) release();
    await tick();
    expect(order).toEqual([]);
    // One batch of two is written: two waiters get in, the oldest first.
    pending = 1;
    admission.drained();
    await tick();
    expect(order).toEqual([4, 5]);
    // A writer that gives up without committing leaves its room to the next.
    const [four] = await Promise.all(later.slice(0, 1));
    (four as AdmissionRelease)();
    (four as AdmissionRelease)(); // idempotent: frees one slot only
    await tick();
    expect(order).toEqual([4, 5, 6]);
    expect(admission.stats()).toMatchObject({ admitted: 2, waiting: 0 });
  });

  it('lets every waiter through once closed', async () => {
    const admission = new WriteAdmission(1, () => 1);
    const waiting = [admission.admit(), admission.admit()];
    expect(await settledWithin(Promise.all(waiting))).toBe(false);
    admission.close();
    expect(await settledWithin(Promise.all(waiting))).toBe(true);
  });
});

describe('LevelStore backpressure', () => {
  it('rejects a bad maxPendingCommits with INVALID_ARGUMENT', async () => {
    const dir = await tempDir();
    for (const bad of [0, -1, 1.5, Number.NaN, '8']) {
      expect(() => new LevelStore(dir, { maxPendingCommits: bad as number })).toThrow(
        expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
      );
    }
    const store = await LevelStore.open(dir);
    expect(store.stats().maxPendingCommits).toBe(4096);
    await store.close();
  });

  it('holds outside writers at the bound and lets them in as batches are written', async () => {
    const disk = heldDisk();
    const store = await LevelStore.open(await tempDir(), {
      maxPendingCommits: 4,
      beforeWrite: disk.hook,
    });
    const written: Array<Promise<unknown>> = [];
    const writer = async (i: number): Promise<void> => {
      const release = await store.admit();
      const commit = store.commit([startOf(i)]);
      release();
      written.push(commit);
      await commit;
      done++;
    };
    let done = 0;
    const writers = Array.from({ length: 10 }, (_, i) => writer(i));
    await waitUntil(() => disk.held === 1);
    // Four commits are pending (the first batch holds them); six writers wait.
    expect(store.stats()).toMatchObject({ pending: 4, waiting: 6 });
    expect(written).toHaveLength(4);
    expect(disk.held).toBe(1);
    while (done < 10) {
      disk.writeOne();
      await tick();
      expect(store.stats().pending).toBeLessThanOrEqual(4);
    }
    await Promise.all(writers);
    const stats = store.stats();
    expect(stats).toMatchObject({ commits: 10, pending: 0, waiting: 0, peakPending: 4 });
    expect(stats.peakWaiting).toBe(6);
    await store.close();
  });

  it('never holds a plain commit: appends of running runs go past the bound', async () => {
    const disk = heldDisk();
    const store = await LevelStore.open(await tempDir(), {
      maxPendingCommits: 2,
      beforeWrite: disk.hook,
    });
    const commits = Array.from({ length: 6 }, (_, i) => store.commit([startOf(i)]));
    await tick();
    expect(store.stats().pending).toBe(6);
    // An outside writer now waits behind them.
    const admitted = store.admit();
    expect(await settledWithin(admitted)).toBe(false);
    disk.writeOne();
    await Promise.all(commits);
    (await admitted)();
    expect(store.stats()).toMatchObject({ commits: 6, pending: 0, waiting: 0 });
    await store.close();
  });

  it('frees room when a batch fails, and lets waiters through on close', async () => {
    let fail = true;
    const disk = heldDisk();
    const store = await LevelStore.open(await tempDir(), {
      maxPendingCommits: 2,
      beforeWrite: async (batch) => {
        await disk.hook(batch);
        if (fail) throw new Error('EIO');
      },
    });
    const admitAndCommit = async (i: number) => {
      const release = await store.admit();
      const commit = store.commit([startOf(i)]);
      release();
      return commit;
    };
    const failing = [admitAndCommit(0), admitAndCommit(1)];
    const third = admitAndCommit(2);
    await waitUntil(() => disk.held === 1);
    expect(store.stats().waiting).toBe(1);
    disk.writeOne();
    for (const commit of failing) await expectRejection(commit, 'STORE_WRITE_FAILED');
    // The failed batch left the queue: the waiting writer got in.
    await tick();
    expect(store.stats()).toMatchObject({ waiting: 0, pending: 1, failedBatches: 1 });
    fail = false;
    const fourth = admitAndCommit(3);
    const fifth = admitAndCommit(4);
    await tick();
    expect(store.stats().waiting).toBe(1);
    const closing = store.close();
    // Close lets the waiter through; its commit finds the store closed.
    await expectRejection(fifth, 'ENGINE_CLOSED');
    const rest = Promise.all([third, fourth]);
    while (!(await settledWithin(rest, 1))) disk.writeOne();
    await closing;
    await expectRejection(store.admit(), 'ENGINE_CLOSED');
  });

  it('keeps 20,000 fire-and-forget writers within the bound on a slow disk', async () => {
    const BOUND = 256;
    let peakSeen = 0;
    const store = await LevelStore.open(await tempDir(), {
      durability: 'relaxed',
      maxPendingCommits: BOUND,
      beforeWrite: async () => {
        peakSeen = Math.max(peakSeen, store.stats().pending);
        // A slow fsync: a few turns of the event loop per batch, no real time.
        for (let i = 0; i < 4; i++) await tick();
      },
    });
    const N = 20_000;
    const writers = Array.from({ length: N }, async (_, i) => {
      const release = await store.admit();
      const commit = store.commit([startOf(i)]);
      release();
      await commit;
    });
    await tick();
    expect(store.stats().waiting).toBeGreaterThan(N - 2 * BOUND);
    await Promise.all(writers);
    const stats = store.stats();
    expect(stats.commits).toBe(N);
    expect(stats.peakPending).toBeLessThanOrEqual(BOUND);
    expect(peakSeen).toBeLessThanOrEqual(BOUND);
    expect(stats.peakWaiting).toBeGreaterThan(N - 2 * BOUND);
    expect(stats).toMatchObject({ pending: 0, waiting: 0 });
    await store.close();
  });
});
