import { afterEach, describe, expect, it } from 'vitest';
import { AionError, defineActivity, defineWorkflow } from '../../src/index.js';
import type { HistoryEvent, SupervisionEvent, WorkflowHandle } from '../../src/index.js';
import { FaultInjectingStore, TestEnvironment } from '../../src/testing/index.js';
import type { MemoryStore } from '../../src/testing/index.js';

const attempts: string[] = [];

const charge = defineActivity('charge', async (n: number, actx) => {
  attempts.push(`${actx.workflowId}:${actx.activityId}.${actx.attempt}`);
  return `C-${n}`;
});

const order = defineWorkflow('order', async (ctx, n: number) => {
  let stage = 'charging';
  ctx.onQuery('stage', () => stage);
  const first = await ctx.activity(charge, n);
  stage = 'sleeping';
  await ctx.sleep('1m');
  stage = 'waiting';
  const go = await ctx.signal<string>('go');
  const second = await ctx.activity(charge, n + 100);
  return { n, first, go, second };
});

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  attempts.length = 0;
});

async function faultyEnvironment(): Promise<{
  env: TestEnvironment;
  disk: () => FaultInjectingStore;
}> {
  let disk: FaultInjectingStore | undefined;
  const created = await TestEnvironment.create({
    workflows: [order],
    activities: [charge],
    wrapStore: (store: MemoryStore, clock) => (disk = new FaultInjectingStore(store, { clock })),
  });
  env = created;
  return { env: created, disk: () => disk! };
}

/** Everything stored: every run's summary and history. */
async function snapshot(store: MemoryStore): Promise<unknown> {
  const runs = (await store.listRuns({ limit: 1000 })).items;
  return Promise.all(
    runs.map(async (run) => ({ run, history: await store.readHistory(run.workflowId, run.runId) })),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<{ code?: string; cause?: unknown }> {
  return promise.then(
    () => ({}),
    (error: unknown) =>
      error instanceof AionError
        ? { code: error.code, cause: error.cause }
        : { code: String(error) },
  );
}

describe('store faults', () => {
  it.each(['EIO', 'ENOSPC'] as const)(
    'holds the runs through %s and completes every one after the disk recovers',
    async (fault) => {
      const { env, disk } = await faultyEnvironment();
      const supervision: SupervisionEvent[] = [];
      env.engine.supervision$.subscribe((event) => supervision.push(event));
      const handles: WorkflowHandle[] = [];
      for (let n = 0; n < 6; n++) {
        handles.push(await env.engine.start(order, n, { workflowId: `order-${n}` }));
      }
      await env.idle();
      // Every run sleeps now; the disk fails while their timers fire.
      disk().fail(fault);
      await env.skip('1m');
      const faults = supervision.filter((e) => e.type === 'store-fault');
      expect(faults).toHaveLength(1);
      expect(faults[0]).toMatchObject({
        error: { code: 'STORE_WRITE_FAILED', cause: { code: fault } },
      });
      expect(disk().stats().failedCommits).toBeGreaterThan(0);
      // Reads are served during the fault.
      const before = await snapshot(env.store);
      expect((await env.engine.describe('order-0')).status).toBe('running');
      expect((await env.engine.list({ status: 'running' })).items).toHaveLength(6);
      expect(await env.engine.query('order-0', 'stage')).toEqual(expect.any(String));
      // Writes from outside are refused, and change nothing.
      const refused = await codeOf(env.engine.start(order, 99, { workflowId: 'order-99' }));
      expect(refused).toMatchObject({ code: 'STORE_WRITE_FAILED', cause: { code: fault } });
      const signal = await codeOf(env.engine.signal('order-1', 'go', 'early'));
      expect(signal.code).toBe('STORE_WRITE_FAILED');
      expect(await snapshot(env.store)).toEqual(before);
      // The disk recovers: every run completes, none crashed or looped.
      disk().clear();
      await env.skip('10s');
      const recovered = supervision.filter((e) => e.type === 'store-recovered');
      expect(recovered).toHaveLength(1);
      expect(recovered[0]).toMatchObject({
        path: ['engine', 'store'],
        failedWrites: expect.any(Number),
      });
      for (let n = 0; n < 6; n++) await env.engine.signal(`order-${n}`, 'go', `go-${n}`);
      const results = await Promise.all(handles.map((h) => env.result(h)));
      expect(results).toEqual(
        handles.map((_, n) => ({ n, first: `C-${n}`, go: `go-${n}`, second: `C-${n + 100}` })),
      );
      expect(supervision.filter((e) => e.type === 'crashed')).toEqual([]);
      for (let n = 0; n < 6; n++) {
        const history: HistoryEvent[] = await env.engine.history(`order-${n}`);
        expect(history.filter((e) => e.type === 'TimerFired')).toHaveLength(1);
      }
    },
  );
});
