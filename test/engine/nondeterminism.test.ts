import { afterEach, describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow, virtualClock } from '../../src/index.js';
import type {
  Engine,
  NondeterminismPolicy,
  SupervisionEvent,
  VirtualClock,
} from '../../src/index.js';
import { createMemoryStoreData } from '../../src/store/index.js';
import type { MemoryStoreData } from '../../src/store/index.js';
import { openOnTables } from '../helpers/memory-engine.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);

const calls: string[] = [];
const reserve = defineActivity('reserve', async (sku: string) => {
  calls.push(`reserve ${sku}`);
  return `reserved ${sku}`;
});
const charge = defineActivity('charge', async (sku: string) => {
  calls.push(`charge ${sku}`);
  return `charged ${sku}`;
});

/** Version 1, which recorded the histories. */
const orderV1 = defineWorkflow('order', async (ctx, sku: string) => {
  const reserved = await ctx.activity(reserve, sku);
  await ctx.sleep('1m');
  const charged = await ctx.activity(charge, sku);
  return [reserved, charged];
});

/** Version 2 swapped the steps: a change that is not replay-safe. */
const orderV2 = defineWorkflow('order', async (ctx, sku: string) => {
  const charged = await ctx.activity(charge, sku);
  await ctx.sleep('1m');
  const reserved = await ctx.activity(reserve, sku);
  return [reserved, charged];
});

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
  calls.length = 0;
});

async function open(
  data: MemoryStoreData,
  workflow: typeof orderV1,
  clock: VirtualClock,
  onNondeterminism?: NondeterminismPolicy,
): Promise<Engine> {
  const engine = await openOnTables(data, {
    workflows: [workflow],
    activities: [reserve, charge],
    clock,
    ...(onNondeterminism === undefined ? {} : { onNondeterminism }),
  });
  engines.push(engine);
  return engine;
}

/** Records a v1 history up to the sleep, then closes its engine. */
async function sleepingV1Run(): Promise<MemoryStoreData> {
  const data = createMemoryStoreData();
  const engine = await open(data, orderV1, virtualClock(T0));
  const handle = await engine.start(orderV1, 'sku-1', { workflowId: 'order-1' });
  await waitUntil(async () => (await handle.describe()).pendingTimers === 1, { what: 'the sleep' });
  await engine.close();
  calls.length = 0;
  return data;
}

describe('nondeterminism on recovery', () => {
  it('blocks the run by default: it stays running, describe() reports it and nothing is recorded', async () => {
    const data = await sleepingV1Run();
    const clock = virtualClock(T0 + 10_000);
    const engine = await open(data, orderV2, clock);
    const supervision: SupervisionEvent[] = [];
    engine.supervision$.subscribe((e) => supervision.push(e));
    const before = await engine.history('order-1');
    await waitUntil(async () => (await engine.describe('order-1')).blocked !== undefined, {
      what: 'the run to be blocked',
    });
    const description = await engine.describe('order-1');
    expect(description.status).toBe('running');
    expect(description.blocked?.code).toBe('NONDETERMINISM');
    expect(description.blocked?.message).toMatch(/seq 2/);
    expect(description.blocked?.message).toMatch(/activity #1 reserve/);
    expect(description.blocked?.message).toMatch(/activity #1 charge/);

    // Its sleep comes due while it is blocked: still nothing is recorded or run.
    clock.advance(5 * 60_000);
    for (let i = 0; i < 20; i++) await tick();
    expect(await engine.history('order-1')).toEqual(before);
    expect(calls).toEqual([]);
    expect((await engine.list({ status: 'running' })).items).toHaveLength(1);
    expect(supervision.some((e) => e.type === 'crashed')).toBe(false);
    await engine.close();

    // Deploying the fixed (original) code resumes the run where it was.
    const fixed = await open(data, orderV1, virtualClock(T0 + 10 * 60_000));
    const handle = await fixed.getHandle('order-1');
    expect(await handle.result()).toEqual(['reserved sku-1', 'charged sku-1']);
    expect(calls).toEqual(['charge sku-1']);
    expect((await handle.describe()).blocked).toBeUndefined();
  });

  it("records WorkflowFailed with NONDETERMINISM under onNondeterminism: 'fail'", async () => {
    const data = await sleepingV1Run();
    const engine = await open(data, orderV2, virtualClock(T0 + 10_000), 'fail');
    const handle = await engine.getHandle('order-1');
    await expect(handle.result()).rejects.toMatchObject({
      code: 'WORKFLOW_FAILED',
      error: { code: 'NONDETERMINISM', details: { seq: 2 } },
    });
    const history = await handle.history();
    expect(history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'TimerStarted',
      'TimerCancelled',
      'WorkflowFailed',
    ]);
    expect(calls).toEqual([]);
    expect((await handle.describe()).status).toBe('failed');
  });
});
