import { describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

const noted: string[] = [];
const note = defineActivity('note', async (what: string) => {
  noted.push(what);
  return what;
});
const sleeper = defineWorkflow('sleeper', async (ctx, n: number) => {
  let stage = 'sleeping';
  ctx.onQuery('stage', () => stage);
  const woke = await ctx.withTimeout(ctx.signal<string>('wake'), '1d').catch(() => 'timer');
  stage = `woke by ${woke}`;
  await ctx.activity(note, `${n}:${woke}`);
  return woke;
});

async function startSleepers(env: TestEnvironment, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 0; n < count; n++) {
    const handle = await env.engine.start(sleeper, n, { workflowId: `s-${n}` });
    ids.push(handle.workflowId);
  }
  await env.idle();
  return ids;
}

describe('residency', () => {
  it('suspends the least recently active runs beyond maxResidentRuns', async () => {
    const env = await TestEnvironment.create({
      workflows: [sleeper],
      activities: [note],
      engine: { maxResidentRuns: 5, idleTimeout: '1h' },
    });
    const ids = await startSleepers(env, 20);
    const residency = await Promise.all(
      ids.map(async (id) => (await env.engine.describe(id)).residency),
    );
    expect(residency.filter((r) => r === 'resident')).toHaveLength(5);
    expect(residency.slice(15)).toEqual(Array(5).fill('resident'));
    expect(residency.slice(0, 15)).toEqual(Array(15).fill('suspended'));
    await env.close();
  });

  it('suspends runs idle for idleTimeout and wakes them for a timer', async () => {
    const env = await TestEnvironment.create({
      workflows: [sleeper],
      activities: [note],
      engine: { idleTimeout: '1m' },
    });
    const ids = await startSleepers(env, 3);
    await env.skip('2m');
    for (const id of ids) expect((await env.engine.describe(id)).residency).toBe('suspended');
    await env.skip('1d');
    for (const id of ids) {
      const handle = await env.engine.getHandle<string>(id);
      expect(await env.result(handle)).toBe('timer');
    }
    await env.close();
  });

  it('rehydrates a suspended run once for a signal and a query at the same time', async () => {
    const env = await TestEnvironment.create({
      workflows: [sleeper],
      activities: [note],
      engine: { maxResidentRuns: 1, idleTimeout: '1h' },
    });
    await startSleepers(env, 3);
    expect((await env.engine.describe('s-0')).residency).toBe('suspended');
    const historyBefore = (await env.engine.history('s-0')).length;
    const [stage] = await Promise.all([
      env.engine.query<string>('s-0', 'stage'),
      env.engine.signal('s-0', 'wake', 'signal'),
    ]);
    expect(['sleeping', 'woke by signal']).toContain(stage);
    const handle = await env.engine.getHandle<string>('s-0');
    expect(await env.result(handle)).toBe('signal');
    const history = await env.engine.history('s-0');
    expect(history.filter((e) => e.type === 'SignalReceived')).toHaveLength(1);
    expect(history.length).toBeGreaterThan(historyBefore);
    expect(noted).toContain('0:signal');
    await env.close();
  });
});
