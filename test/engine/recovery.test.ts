import { afterEach, describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow, virtualClock } from '../../src/index.js';
import type {
  ActivityDefinition,
  Engine,
  VirtualClock,
  WorkflowDefinition,
} from '../../src/index.js';
import { createMemoryStoreData } from '../../src/store/index.js';
import type { MemoryStoreData, RunAppend } from '../../src/store/index.js';
import { openOnTables } from '../helpers/memory-engine.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);

const napper = defineWorkflow('napper', async (ctx, seconds: number) => {
  await ctx.sleep(seconds * 1_000);
  return seconds;
});

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
});

async function open(
  data: MemoryStoreData,
  clock: VirtualClock,
  workflows: WorkflowDefinition[],
  activities: ActivityDefinition[] = [],
  beforeWrite?: (appends: readonly RunAppend[]) => void,
): Promise<Engine> {
  const engine = await openOnTables(data, { workflows, activities, clock }, beforeWrite);
  engines.push(engine);
  return engine;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 30; i++) await tick();
}

describe('recovery in Engine.open', () => {
  it('fires overdue timers in fireAt order and re-arms future ones', async () => {
    const data = createMemoryStoreData();
    const first = await open(data, virtualClock(T0), [napper]);
    // Ids sort neither by start order nor by deadline.
    const ids = { 40: 'b-40', 10: 'd-10', 90: 'a-90', 30: 'c-30' } as const;
    for (const seconds of [40, 10, 90, 30] as const) {
      await first.start(napper, seconds, { workflowId: ids[seconds] });
    }
    await waitUntil(async () => (await first.list({ status: 'running' })).items.length === 4);
    await settle();
    await first.close();

    // The order in which TimerFired events reach the store, across runs.
    const fired: string[] = [];
    const clock = virtualClock(T0 + 60_000);
    const second = await open(data, clock, [napper], [], (appends) => {
      for (const append of appends) {
        for (const e of append.events) if (e.type === 'TimerFired') fired.push(e.workflowId);
      }
    });
    await waitUntil(async () => (await second.list({ status: 'completed' })).items.length === 3, {
      what: 'the overdue sleepers',
    });
    expect(fired).toEqual(['d-10', 'c-30', 'b-40']);
    expect((await second.describe('a-90')).status).toBe('running');
    clock.advanceTo(T0 + 89_999);
    await settle();
    expect((await second.describe('a-90')).status).toBe('running');
    clock.advanceTo(T0 + 90_000);
    expect(await (await second.getHandle('a-90')).result()).toBe(90);
  });

  it('runs an activity that was in flight again, under the same idempotency key', async () => {
    const seen: Array<{ key: string; attempt: number }> = [];
    let release: (() => void) | undefined;
    let hang = true;
    const post = defineActivity('post', async (body: string, actx) => {
      seen.push({ key: actx.idempotencyKey, attempt: actx.attempt });
      if (hang) await new Promise<void>((resolve) => (release = resolve));
      return `posted ${body}`;
    });
    const poster = defineWorkflow('poster', async (ctx, body: string) => ctx.activity(post, body));
    const data = createMemoryStoreData();
    const first = await open(data, virtualClock(T0), [poster], [post]);
    const handle = await first.start(poster, 'hi', { workflowId: 'poster-1' });
    await waitUntil(() => release !== undefined, { what: 'the first attempt' });
    await first.close();
    release!();

    hang = false;
    const second = await open(data, virtualClock(T0 + 1_000), [poster], [post]);
    expect(await (await second.getHandle('poster-1')).result()).toBe('posted hi');
    const key = `poster-1/${handle.runId}/1`;
    expect(seen).toEqual([
      { key, attempt: 1 },
      { key, attempt: 1 },
    ]);
    const history = await second.history('poster-1');
    expect(history.filter((e) => e.type === 'ActivityCompleted')).toHaveLength(1);
    expect(history.filter((e) => e.type === 'ActivityScheduled')).toHaveLength(1);
  });

  it('leaves runs of an unregistered type blocked, never failed, until the code is deployed', async () => {
    const data = createMemoryStoreData();
    const first = await open(data, virtualClock(T0), [napper]);
    const handle = await first.start(napper, 5, { workflowId: 'legacy' });
    await waitUntil(async () => (await handle.describe()).pendingTimers === 1);
    await first.close();

    const clock = virtualClock(T0 + 60_000);
    const without = await open(data, clock, []);
    await settle();
    const description = await without.describe('legacy');
    expect(description.status).toBe('running');
    expect(description.blocked?.code).toBe('UNKNOWN_WORKFLOW_TYPE');
    clock.advance(60_000);
    await settle();
    expect(await without.history('legacy')).toHaveLength(2);
    await without.close();

    const deployed = await open(data, virtualClock(T0 + 180_000), [napper]);
    expect(await (await deployed.getHandle('legacy')).result()).toBe(5);
  });
});
