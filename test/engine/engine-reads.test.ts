import { afterEach, describe, expect, it } from 'vitest';
import { Engine, defineActivity, defineWorkflow, virtualClock } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);

const hold = new Map<string, () => void>();
const held = defineActivity('held', async (key: string) => {
  await new Promise<void>((resolve) => hold.set(key, resolve));
  return key;
});
const napper = defineWorkflow('napper', async (ctx, key: string) => {
  const value = await ctx.activity(held, key);
  await ctx.sleep('5m');
  return value.toUpperCase();
});
const quick = defineWorkflow('quick', async (_ctx, n: number) => n * 10);

let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
  hold.clear();
});

describe('Engine describe(), list() and history()', () => {
  it('describes a run while it works, waits and after it ended', async () => {
    const clock = virtualClock(T0);
    engine = await Engine.open({
      store: new MemoryStore(),
      workflows: [napper],
      activities: [held],
      clock,
    });
    const handle = await engine.start(napper, 'k1', { workflowId: 'nap-1' });
    // The attempt may start before its ActivityScheduled is durable; describe() reads the store.
    await waitUntil(async () => hold.has('k1') && (await handle.describe()).historyLength === 2, {
      what: 'the activity',
    });
    expect(await handle.describe()).toMatchObject({
      workflowId: 'nap-1',
      runId: handle.runId,
      workflowType: 'napper',
      status: 'running',
      residency: 'resident',
      startedAt: T0,
      historyLength: 2,
      pendingActivities: 1,
      pendingTimers: 0,
      restarts: 0,
    });
    clock.advance(1_000);
    hold.get('k1')!();
    await waitUntil(async () => (await handle.describe()).pendingTimers === 1, {
      what: 'the sleep',
    });
    expect(await engine.describe('nap-1')).toMatchObject({
      status: 'running',
      historyLength: 4,
      pendingActivities: 0,
      pendingTimers: 1,
    });
    clock.advance(5 * 60_000);
    expect(await handle.result()).toBe('K1');
    const ended = await handle.describe();
    expect(ended).toMatchObject({
      status: 'completed',
      closedAt: T0 + 1_000 + 5 * 60_000,
      historyLength: 6,
      pendingActivities: 0,
      pendingTimers: 0,
    });
    expect(ended.blocked).toBeUndefined();

    const history = await engine.history('nap-1');
    expect(history).toEqual(await handle.history());
    expect(history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'TimerStarted',
      'TimerFired',
      'WorkflowCompleted',
    ]);
    expect(history.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(history.every((e) => e.workflowId === 'nap-1' && e.runId === handle.runId)).toBe(true);
    expect(history.map((e) => e.recordedAt)).toEqual([
      T0,
      T0,
      T0 + 1_000,
      T0 + 1_000,
      T0 + 301_000,
      T0 + 301_000,
    ]);
  });

  it('lists runs by status and type, newest first, one page at a time', async () => {
    const clock = virtualClock(T0);
    engine = await Engine.open({
      store: new MemoryStore(),
      workflows: [napper, quick],
      activities: [held],
      clock,
    });
    for (let i = 0; i < 5; i++) {
      await engine.start(quick, i, { workflowId: `quick-${i}` }).then((h) => h.result());
      clock.advance(1_000);
    }
    await engine.start(napper, 'k', { workflowId: 'napping' });
    await tick();

    const all = await engine.list();
    expect(all.items.map((r) => r.workflowId)).toEqual([
      'napping',
      'quick-4',
      'quick-3',
      'quick-2',
      'quick-1',
      'quick-0',
    ]);
    expect(all.next).toBeUndefined();
    expect((await engine.list({ status: 'running' })).items.map((r) => r.workflowId)).toEqual([
      'napping',
    ]);
    const completed = await engine.list({ status: 'completed', workflowType: 'quick' });
    expect(completed.items).toHaveLength(5);
    expect(completed.items[0]).toMatchObject({
      workflowId: 'quick-4',
      workflowType: 'quick',
      status: 'completed',
      startedAt: T0 + 4_000,
      closedAt: T0 + 4_000,
      historyLength: 2,
    });
    expect((await engine.list({ workflowType: 'napper' })).items).toHaveLength(1);
    expect(
      (await engine.list({ startedAfter: T0 + 1_000, startedBefore: T0 + 3_000 })).items.map(
        (r) => r.workflowId,
      ),
    ).toEqual(['quick-2', 'quick-1']);

    const pages: string[][] = [];
    let cursor: string | undefined;
    do {
      const page = await engine.list({
        limit: 2,
        ...(cursor === undefined ? {} : { cursor }),
      });
      pages.push(page.items.map((r) => r.workflowId));
      cursor = page.next;
    } while (cursor !== undefined);
    expect(pages).toEqual([
      ['napping', 'quick-4'],
      ['quick-3', 'quick-2'],
      ['quick-1', 'quick-0'],
    ]);
  });

  it('reads the latest run of a workflow id unless a run id is given', async () => {
    engine = await Engine.open({
      store: new MemoryStore(),
      workflows: [quick],
      clock: virtualClock(T0),
    });
    const first = await engine.start(quick, 1, { workflowId: 'again' });
    await first.result();
    const second = await engine.start(quick, 2, { workflowId: 'again' });
    await second.result();
    expect(second.runId > first.runId).toBe(true);
    expect((await engine.describe('again')).runId).toBe(second.runId);
    expect((await engine.history('again'))[0]).toMatchObject({ runId: second.runId, input: 2 });
    expect((await engine.history('again', first.runId))[0]).toMatchObject({ input: 1 });
    expect((await engine.getHandle('again')).runId).toBe(second.runId);
    await expect(engine.describe('again', '01HZZZZZZZZZZZZZZZZZZZZZZZ')).rejects.toMatchObject({
      code: 'WORKFLOW_NOT_FOUND',
    });
  });
});
