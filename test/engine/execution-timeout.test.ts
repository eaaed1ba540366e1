import { afterEach, describe, expect, it } from 'vitest';
import { defineWorkflow, virtualClock } from '../../src/index.js';
import type { Engine, VirtualClock } from '../../src/index.js';
import { createMemoryStoreData } from '../../src/store/index.js';
import type { MemoryStoreData } from '../../src/store/index.js';
import { openOnTables } from '../helpers/memory-engine.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);

const slow = defineWorkflow(
  'slow',
  async (ctx, _input: null) => {
    await ctx.sleep('1h');
    return 'finished';
  },
  { executionTimeout: '10m' },
);

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
});

async function open(data: MemoryStoreData, clock: VirtualClock): Promise<Engine> {
  const engine = await openOnTables(data, { workflows: [slow], clock });
  engines.push(engine);
  return engine;
}

describe('executionTimeout', () => {
  it('ends a run that runs longer with WorkflowTimedOut when its durable timer fires', async () => {
    const clock = virtualClock(T0);
    const engine = await open(createMemoryStoreData(), clock);
    const byDefinition = await engine.start(slow, null, { workflowId: 'by-definition' });
    const byOption = await engine.start(slow, null, {
      workflowId: 'by-option',
      executionTimeout: '2m',
    });
    await waitUntil(async () => (await byDefinition.describe()).pendingTimers === 2);
    await waitUntil(async () => (await byOption.describe()).pendingTimers === 2);
    expect((await byDefinition.history())[0]).toMatchObject({
      executionTimeoutAt: T0 + 600_000,
    });

    clock.advanceTo(T0 + 120_000);
    await expect(byOption.result()).rejects.toMatchObject({ code: 'WORKFLOW_TIMED_OUT' });
    expect((await byDefinition.describe()).status).toBe('running');
    clock.advanceTo(T0 + 600_000);
    await expect(byDefinition.result()).rejects.toMatchObject({ code: 'WORKFLOW_TIMED_OUT' });

    const history = await byDefinition.history();
    expect(history.at(-1)).toMatchObject({ type: 'WorkflowTimedOut', recordedAt: T0 + 600_000 });
    // The execution timer fired; the sleep still armed was cancelled.
    expect(history.slice(1).map((e) => `${e.type} ${'timerId' in e ? e.timerId : ''}`)).toEqual([
      'TimerStarted x',
      'TimerStarted t1',
      'TimerFired x',
      'TimerCancelled t1',
      'WorkflowTimedOut ',
    ]);
    expect((await byDefinition.describe()).pendingTimers).toBe(0);
  });

  it('still fires after a restart', async () => {
    const data = createMemoryStoreData();
    const first = await open(data, virtualClock(T0));
    const handle = await first.start(slow, null, { workflowId: 'restarted' });
    await waitUntil(async () => (await handle.describe()).pendingTimers === 2);
    await first.close();

    const clock = virtualClock(T0 + 60_000);
    const second = await open(data, clock);
    for (let i = 0; i < 10; i++) await tick();
    expect((await second.describe('restarted')).status).toBe('running');
    clock.advanceTo(T0 + 600_000);
    const reopened = await second.getHandle('restarted');
    await expect(reopened.result()).rejects.toMatchObject({ code: 'WORKFLOW_TIMED_OUT' });
  });
});
