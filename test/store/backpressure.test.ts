import { afterAll, describe, expect, it } from 'vitest';
import { Engine, defineActivity, defineWorkflow, virtualClock } from '../../src/index.js';
import { LevelStore, MemoryStore } from '../../src/store/index.js';
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
    /** While false, batches are written at once. */
    holding: true,
    hook(batch: BatchInfo): Promise<void> {
      seen.push(batch);
      if (!this.holding) return Promise.resolve();
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
    /** Stops holding and writes every held batch. */
    flow(): void {
      this.holding = false;
      for (const resolve of held.splice(0)) resolve();
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
      beforeWrite: (batch) => disk.hook(batch),
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
      beforeWrite: (batch) => disk.hook(batch),
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

const double = defineActivity('double', async (n: number) => n * 2);

/** One activity, then done: three appends of its own after its start. */
const doubler = defineWorkflow('doubler', async (ctx, n: number) => ctx.activity(double, n));

/** Done at once: one append of its own after its start. */
const echo = defineWorkflow('echo', async (_ctx, n: number) => n * 2);

/** Waits for `go`, then tells `peer` (a signal between runs), then ends. */
const relay = defineWorkflow('relay', async (ctx, peer: string) => {
  const got = await ctx.signal<number>('go');
  if (peer !== '') await ctx.signalWorkflow(peer, 'go', got + 1);
  return got;
});

/** Takes `count` signals, then returns them. */
const sink = defineWorkflow('sink', async (ctx, count: number) => {
  const got: number[] = [];
  while (got.length < count) got.push(await ctx.signal<number>('s'));
  return got;
});

/** Naps a minute, then signals `peer` (a signal between runs). */
const napper = defineWorkflow('napper', async (ctx, peer: string) => {
  await ctx.sleep('1m');
  await ctx.signalWorkflow(peer, 'go', 1);
  return 'sent';
});

/**
 * A MemoryStore whose queue is full while `full` is set: outside writers
 * wait in `admit()` until it is cleared; plain commits go through.
 */
class FullableStore extends MemoryStore {
  #full = false;
  #waiters: Array<() => void> = [];
  /** Writers admitted so far. */
  admissions = 0;

  get full(): boolean {
    return this.#full;
  }

  set full(full: boolean) {
    this.#full = full;
    if (!full) for (const wake of this.#waiters.splice(0)) wake();
  }

  async admit(): Promise<AdmissionRelease> {
    while (this.#full) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.admissions++;
    return () => undefined;
  }
}

const engineOn = (store: LevelStore) =>
  Engine.open({
    store,
    workflows: [doubler, echo, relay, sink],
    activities: [double],
    clock: virtualClock(1_700_000_000_000),
  });

interface Load {
  readonly peakPending: number;
  readonly peakWaiting: number;
  /** The most a sample found `pending` above the bound plus resident runs. */
  readonly worstOvershoot: number;
}

/**
 * Fires `n` starts without awaiting them on a disk that takes a few turns
 * per batch, awaits every start and every result, and samples the queue at
 * each batch.
 */
async function fireAndForget(workflow: typeof echo, n: number, bound: number): Promise<Load> {
  // The store samples the engine it serves, which is opened on it after.
  const opened: { engine?: Engine } = {};
  let worstOvershoot = Number.NEGATIVE_INFINITY;
  const store = await LevelStore.open(await tempDir(), {
    durability: 'relaxed',
    maxPendingCommits: bound,
    beforeWrite: async () => {
      const resident = opened.engine?.stats().residentRuns ?? 0;
      worstOvershoot = Math.max(worstOvershoot, store.stats().pending - bound - resident);
      // A slow fsync: a few turns of the event loop per batch, no real time.
      for (let i = 0; i < 4; i++) await tick();
    },
  });
  const engine = await engineOn(store);
  opened.engine = engine;
  try {
    const starts = Array.from({ length: n }, (_, i) =>
      engine.start(workflow, i, { workflowId: `d-${i}` }),
    );
    const results = await Promise.all(starts.map(async (start) => (await start).result()));
    expect(results).toEqual(Array.from({ length: n }, (_, i) => i * 2));
    const { peakPending, peakWaiting, pending, waiting } = store.stats();
    expect({ pending, waiting }).toEqual({ pending: 0, waiting: 0 });
    expect(engine.stats().residentRuns).toBe(0);
    return { peakPending, peakWaiting, worstOvershoot };
  } finally {
    await engine.close();
    await store.close();
  }
}

describe('engine backpressure', () => {
  it(
    'keeps the queue bounded under 20,000 fire-and-forget starts; every start resolves and every run completes',
    { timeout: 120_000 },
    async () => {
      const BOUND = 256;
      const load = await fireAndForget(echo, 20_000, BOUND);
      // Outside writers never hold more than the bound; runs add at most
      // one append each, and a resident run is counted at every sample.
      expect(load.worstOvershoot).toBeLessThanOrEqual(0);
      expect(load.peakWaiting).toBeGreaterThan(20_000 - 2 * BOUND);
      expect(load.peakPending).toBeLessThan(8 * BOUND);
    },
  );

  it('lets the queue grow with the starts when the bound is out of reach (the control)', async () => {
    const load = await fireAndForget(echo, 4_000, 1_000_000);
    expect(load.peakWaiting).toBe(0);
    expect(load.peakPending).toBeGreaterThan(3_000);
  });

  it('never holds a run behind waiting starts: runs finish with a bound of 1', async () => {
    const load = await fireAndForget(doubler, 300, 1);
    expect(load.worstOvershoot).toBeLessThanOrEqual(0);
    expect(load.peakWaiting).toBeGreaterThan(250);
  });

  it('bounds the signals piling up in one run: a signal holds its slot until durable', async () => {
    const BOUND = 64;
    const N = 5_000;
    let largest = 0;
    const store = await LevelStore.open(await tempDir(), {
      durability: 'relaxed',
      maxPendingCommits: BOUND,
      beforeWrite: async (batch) => {
        largest = Math.max(largest, batch.events);
        for (let i = 0; i < 4; i++) await tick();
      },
    });
    const engine = await engineOn(store);
    try {
      const handle = await engine.start(sink, N, { workflowId: 'sink' });
      await Promise.all(Array.from({ length: N }, (_, i) => engine.signal('sink', 's', i)));
      const got = await handle.result();
      expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
      // Released when recorded instead, all 5,000 would wait in the run's
      // buffer behind its append in flight and go out as one append.
      expect(largest).toBeLessThanOrEqual(BOUND);
      expect(store.stats().peakWaiting).toBeGreaterThan(N - 2 * BOUND);
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it("holds a user's signal while the store is full, never a run's own appends", async () => {
    const store = new FullableStore();
    const clock = virtualClock(1_700_000_000_000);
    const engine = await Engine.open({ store, workflows: [relay, napper], clock });
    try {
      const listener = await engine.start(relay, '', { workflowId: 'listener' });
      const sender = await engine.start(napper, 'listener', { workflowId: 'sender' });
      const waiting = await engine.start(relay, '', { workflowId: 'waiting' });
      await waitUntil(() => clock.nextDeadline() !== undefined);
      store.full = true;
      const starts = store.admissions;
      expect(starts).toBe(3);
      const user = engine.signal('waiting', 'go', 7);
      expect(await settledWithin(user)).toBe(false);
      // The sender's timer fires, it signals the listener, both end: a
      // timer, a signal between runs and two completions, none held.
      clock.advance(60_000);
      expect(await listener.result()).toBe(1);
      expect(await sender.result()).toBe('sent');
      expect(await settledWithin(user)).toBe(false);
      expect(store.admissions).toBe(starts);
      store.full = false;
      await user;
      expect(await waiting.result()).toBe(7);
      expect(store.admissions).toBe(starts + 1);
    } finally {
      await engine.close();
    }
  });

  it('rejects a start that waited for room with ENGINE_CLOSED, writing nothing, when the engine closes', async () => {
    const disk = heldDisk();
    const store = await LevelStore.open(await tempDir(), {
      maxPendingCommits: 1,
      beforeWrite: (batch) => disk.hook(batch),
    });
    const engine = await engineOn(store);
    const blocker = store.commit([startOf(1)]);
    await waitUntil(() => disk.held === 1);
    const start = engine.start(doubler, 1, { workflowId: 'late' });
    expect(await settledWithin(start)).toBe(false);
    expect(store.stats().waiting).toBe(1);
    const closing = engine.close();
    disk.flow();
    await blocker;
    await closing;
    await expectRejection(start, 'ENGINE_CLOSED');
    expect(await store.getLatestRunId('late')).toBeUndefined();
    await store.close();
  });
});
