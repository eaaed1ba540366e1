import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AionError, Engine, LevelStore, defineActivity, defineWorkflow } from '../../src/index.js';
import type {
  EventStore,
  HistoryEvent,
  SupervisionEvent,
  WorkflowHandle,
} from '../../src/index.js';
import { FaultInjectingStore } from '../../src/testing/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';

const tempDir = useTempDirs('disk-faults');
const ORDERS = 12;

const reserve = defineActivity('reserve', async (n: number) => `R-${n}`);
const pack = defineActivity('pack', async (n: number) => `P-${n}`);

const ship = defineWorkflow('ship', async (ctx, n: number) => {
  await ctx.sleep(10);
  return `S-${n}`;
});

const order = defineWorkflow('order', async (ctx, n: number) => {
  let stage = 'reserving';
  ctx.onQuery('stage', () => stage);
  const reserved = await ctx.activity(reserve, n);
  stage = 'sleeping';
  await ctx.sleep(20 + n * 5);
  const shipped = await ctx.child(ship, n);
  stage = 'waiting';
  const go = await ctx.signal<string>('go');
  const packed = await ctx.activity(pack, n);
  return { reserved, shipped, go, packed };
});

/** Consumes `inc` signals, three per run, until `stop`. */
const counter = defineWorkflow('counter', async (ctx, seen: string[]) => {
  const all = [...seen];
  for (let i = 0; i < 3; i++) {
    const signal = await ctx.signal<string>('inc');
    if (signal === 'stop') return all;
    all.push(signal);
  }
  return ctx.continueAsNew(all);
});

const quick = defineWorkflow('quick', async () => 'quick');

const definitions = { workflows: [order, ship, counter, quick], activities: [reserve, pack] };

let engines: Engine[] = [];
let stores: EventStore[] = [];
afterEach(async () => {
  for (const engine of engines) await engine.close();
  for (const store of stores) await store.close();
  engines = [];
  stores = [];
});

async function open(store: EventStore): Promise<Engine> {
  const engine = await Engine.open({ store, ...definitions });
  engines.push(engine);
  return engine;
}

/** Everything the store holds: summaries and histories. */
async function contents(store: EventStore): Promise<unknown[]> {
  const runs = (await store.listRuns({ limit: 1000 })).items;
  return Promise.all(
    runs.map(async (run) => ({ run, history: await store.readHistory(run.workflowId, run.runId) })),
  );
}

const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ok',
    (error: unknown) => (error instanceof AionError ? error.code : String(error)),
  );

/** Signals until acknowledged: a refused signal wrote nothing and is sent again. */
async function signalSurely(engine: Engine, id: string, payload: string): Promise<number> {
  for (let refusals = 0; ; refusals++) {
    const code = await codeOf(engine.signal(id, 'inc', payload));
    if (code === 'ok') return refusals;
    expect(code).toBe('STORE_WRITE_FAILED');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const expected = (n: number) => ({
  reserved: `R-${n}`,
  shipped: `S-${n}`,
  go: `go-${n}`,
  packed: `P-${n}`,
});

describe('disk faults on LevelStore (through FaultInjectingStore)', () => {
  it.each(['EIO', 'ENOSPC'] as const)(
    '%s: the engine holds, serves reads, refuses writes, and loses no run',
    async (fault) => {
      const level = await LevelStore.open(join(await tempDir(), 'store'), { durability: 'sync' });
      const disk = new FaultInjectingStore(level);
      stores.push(disk);
      const engine = await open(disk);
      const supervision: SupervisionEvent[] = [];
      engine.supervision$.subscribe((event) => supervision.push(event));
      const ended = await engine.start(quick, null, { workflowId: 'quick' });
      expect(await ended.result()).toBe('quick');
      const chain = await engine.start(counter, [], { workflowId: 'counter' });
      const orders: WorkflowHandle[] = [];
      for (let n = 0; n < ORDERS; n++) {
        orders.push(await engine.start(order, n, { workflowId: `order-${n}` }));
      }

      // The disk fails while the orders sleep, start children and wait.
      await new Promise((resolve) => setTimeout(resolve, 15));
      disk.fail(fault);
      await waitUntil(() => supervision.some((e) => e.type === 'store-fault'), {
        what: 'the store fault',
      });
      await new Promise((resolve) => setTimeout(resolve, 80));
      const during = await contents(level);
      // Reads are served: descriptions, listings, results of ended runs,
      // queries of resident runs.
      expect((await engine.describe('order-0')).status).toBe('running');
      expect((await engine.list({ workflowType: 'order' })).items).toHaveLength(ORDERS);
      expect(await ended.result()).toBe('quick');
      expect(await engine.query('order-0', 'stage')).toEqual(expect.any(String));
      // Writes from outside are refused, with the disk's error as cause.
      const refused = await engine.start(order, 99, { workflowId: 'order-99' }).then(
        () => undefined,
        (error: unknown) => error as AionError,
      );
      expect(refused).toMatchObject({ code: 'STORE_WRITE_FAILED', cause: { code: fault } });
      expect(await codeOf(engine.signal('order-1', 'go', 'early'))).toBe('STORE_WRITE_FAILED');
      // Nothing was written: neither the refused calls nor anything held.
      expect(await contents(level)).toEqual(during);
      expect(await level.getLatestRunId('order-99')).toBeUndefined();

      disk.clear();
      await waitUntil(() => supervision.some((e) => e.type === 'store-recovered'), {
        what: 'the recovery',
      });
      // A fault of a few writes in the middle of a signal stream: every
      // acknowledged signal is consumed once.
      const acknowledged: string[] = [];
      let refusals = 0;
      for (let i = 0; i < 12; i++) {
        if (i === 4) disk.fail(fault, { writes: 3 });
        refusals += await signalSurely(engine, 'counter', `s${i}`);
        acknowledged.push(`s${i}`);
      }
      for (let n = 0; n < ORDERS; n++) await engine.signal(`order-${n}`, 'go', `go-${n}`);
      await signalSurely(engine, 'counter', 'stop');

      const results = await Promise.all(orders.map((handle) => handle.result()));
      expect(results).toEqual(orders.map((_, n) => expected(n)));
      expect(await chain.result()).toEqual(acknowledged);
      expect(disk.stats().failedCommits).toBeGreaterThanOrEqual(4);
      expect(refusals).toBeGreaterThanOrEqual(0);
      expect(supervision.filter((e) => e.type === 'crashed')).toEqual([]);
      const failed = await engine.list({ status: 'failed' });
      expect(failed.items).toEqual([]);
      const faults = supervision.filter((e) => e.type === 'store-fault').length;
      expect(supervision.filter((e) => e.type === 'store-recovered')).toHaveLength(faults);
    },
    30_000,
  );

  it('slow fsync: every run completes, and nothing is acknowledged before it is durable', async () => {
    const level = await LevelStore.open(join(await tempDir(), 'store'), { durability: 'sync' });
    // What the LevelStore has acknowledged (made durable), run by run.
    const durable = new Map<string, number>();
    const tracked = new Proxy(level, {
      get(target, property, receiver) {
        if (property === 'commit') {
          return async (appends: readonly RunAppend[]) => {
            const result = await target.commit(appends);
            for (const append of appends) {
              const last = append.events[append.events.length - 1] as HistoryEvent;
              durable.set(`${append.workflowId} ${append.runId}`, last.seq);
            }
            return result;
          };
        }
        const value: unknown = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
      },
    });
    const disk = new FaultInjectingStore(tracked);
    stores.push(disk);
    disk.slow(15);
    const engine = await open(disk);
    const early: string[] = [];
    const check = (event: { workflowId: string; runId: string; seq: number }, what: string) => {
      if ((durable.get(`${event.workflowId} ${event.runId}`) ?? 0) < event.seq) {
        early.push(`${what} ${event.workflowId} seq ${event.seq}`);
      }
    };
    engine.events$.subscribe((event) => check(event, 'event'));
    engine.outcomes$.subscribe((notice) => {
      const seq = durable.get(`${notice.workflowId} ${notice.runId}`) ?? 0;
      if (seq === 0) early.push(`outcome ${notice.workflowId}`);
    });
    const chain = await engine.start(counter, [], { workflowId: 'counter' });
    check({ workflowId: 'counter', runId: chain.runId, seq: 1 }, 'start');
    const orders: WorkflowHandle[] = [];
    for (let n = 0; n < ORDERS; n++) {
      const handle = await engine.start(order, n, { workflowId: `order-${n}` });
      check({ workflowId: handle.workflowId, runId: handle.runId, seq: 1 }, 'start');
      orders.push(handle);
    }
    for (let i = 0; i < 7; i++) {
      await engine.signal('counter', 'inc', `s${i}`);
      const latest = await engine.describe('counter');
      const history = await engine.history('counter', latest.runId);
      const signal = history.find((e) => e.type === 'SignalReceived' && e.payload === `s${i}`);
      // The acknowledged signal is in the store already (perhaps carried into the next run).
      if (signal === undefined) {
        const previous = latest.previousRunId;
        const before = previous === undefined ? [] : await engine.history('counter', previous);
        expect(before.some((e) => e.type === 'SignalReceived' && e.payload === `s${i}`)).toBe(true);
      }
    }
    for (let n = 0; n < ORDERS; n++) await engine.signal(`order-${n}`, 'go', `go-${n}`);
    await engine.signal('counter', 'inc', 'stop');
    expect(await Promise.all(orders.map((handle) => handle.result()))).toEqual(
      orders.map((_, n) => expected(n)),
    );
    expect(await chain.result()).toEqual([0, 1, 2, 3, 4, 5, 6].map((i) => `s${i}`));
    expect(disk.stats().delayedCommits).toBeGreaterThan(ORDERS * 4);
    expect(early).toEqual([]);
  }, 30_000);
});
