import { describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment, replayHistory } from '../../src/testing/index.js';

describe('TestEnvironment', () => {
  it('finishes a 30-day saga with daily reminders in well under a second', async () => {
    const sent: number[] = [];
    const remind = defineActivity('remind', async (day: number) => {
      sent.push(day);
      return day;
    });
    const saga = defineWorkflow('reminders', async (ctx, days: number) => {
      for (let day = 1; day <= days; day++) {
        await ctx.sleep('1d');
        await ctx.activity(remind, day);
      }
      return ctx.now();
    });
    const env = await TestEnvironment.create({ workflows: [saga], activities: [remind] });
    const start = env.clock.now();
    const t0 = performance.now();
    const handle = await env.engine.start(saga, 30);
    const endedAt = await env.result(handle);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(sent).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(endedAt - start).toBeGreaterThanOrEqual(30 * 86_400_000);
    await env.close();
  });

  it('recovers a run after a simulated crash', async () => {
    let calls = 0;
    const work = defineActivity('work', async (n: number) => {
      calls++;
      return n + 1;
    });
    const wf = defineWorkflow('sleepy', async (ctx, n: number) => {
      const a = await ctx.activity(work, n);
      await ctx.sleep('1h');
      return ctx.activity(work, a);
    });
    const env = await TestEnvironment.create({ workflows: [wf], activities: [work] });
    const handle = await env.engine.start(wf, 1, { workflowId: 'crashy' });
    await env.idle();
    const engine = await env.crash();
    const again = await engine.getHandle<number>('crashy', handle.runId);
    expect(await env.result(again)).toBe(3);
    expect(calls).toBe(2);
    await env.close();
  });

  // Between reminders the run is suspended (idle past the engine's
  // idleTimeout); each timer wakes it by replay, which records nothing for a
  // while: time must not skip during that replay.
  it('skips exactly to each deadline: daily reminders land a day apart, across a crash', async () => {
    const sentAt: number[] = [];
    let virtualNow = (): number => Number.NaN;
    const remind = defineActivity('remind', async (day: number) => {
      sentAt.push(virtualNow());
      return day;
    });
    const saga = defineWorkflow('reminders', async (ctx, days: number) => {
      for (let day = 1; day <= days; day++) {
        await ctx.sleep('1d');
        await ctx.activity(remind, day);
      }
      return days;
    });
    const env = await TestEnvironment.create({ workflows: [saga], activities: [remind] });
    virtualNow = () => env.clock.now();
    const start = env.clock.now();
    const t0 = performance.now();
    const handle = await env.engine.start(saga, 30, { workflowId: 'reminders' });
    await env.skip('15d');
    expect(sentAt).toHaveLength(15);
    const engine = await env.crash();
    const recovered = await engine.getHandle<number>('reminders', handle.runId);
    expect(await env.result(recovered)).toBe(30);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(sentAt.map((at) => (at - start) / 86_400_000)).toEqual(
      Array.from({ length: 30 }, (_, i) => i + 1),
    );
    // The recorded history replays against the same code without a mismatch.
    const replay = await replayHistory(saga, await recovered.history());
    expect(replay).toEqual({ ok: true, outcome: { type: 'completed', result: 30 } });
    await env.close();
  });

  it('moves time by skip() only as far as asked, firing only what is due', async () => {
    const wf = defineWorkflow('twoSleeps', async (ctx, _input: null) => {
      await ctx.sleep('1h');
      const mid = ctx.now();
      await ctx.sleep('1d');
      return mid;
    });
    const env = await TestEnvironment.create({ workflows: [wf] });
    const start = env.clock.now();
    const handle = await env.engine.start(wf, null);
    await env.skip('2h');
    expect(env.clock.now()).toBe(start + 2 * 3_600_000);
    const fired = (await handle.history()).filter((e) => e.type === 'TimerFired');
    expect(fired).toHaveLength(1);
    expect((await handle.describe()).status).toBe('running');
    expect(await env.result(handle)).toBe(start + 3_600_000);
    await env.close();
  });

  it('reports a wait that nothing can end instead of hanging', async () => {
    const wf = defineWorkflow('forever', async (ctx, _input: null) => ctx.signal('never'));
    const env = await TestEnvironment.create({ workflows: [wf] });
    const handle = await env.engine.start(wf, null);
    await expect(env.result(handle)).rejects.toThrow(/idle, no timer is pending/);
    await env.close();
  });

  it('wakes a suspended run with a long history and lets it finish', async () => {
    const count = 2_000;
    const work = defineActivity('work', async (n: number) => n);
    const wf = defineWorkflow('longHistory', async (ctx, n: number) => {
      for (let i = 0; i < n; i++) await ctx.signal('tick');
      // Needs the replay to be over; no timer is pending meanwhile.
      return ctx.activity(work, n);
    });
    const env = await TestEnvironment.create({ workflows: [wf], activities: [work] });
    const handle = await env.engine.start(wf, count, { workflowId: 'long' });
    for (let i = 0; i < count - 1; i++) await handle.signal('tick', i);
    // Idle past the engine's idleTimeout: the run is suspended.
    await env.skip('1m');
    expect((await handle.describe()).residency).toBe('suspended');
    // The last signal wakes it: it replays its history before it can go on.
    await handle.signal('tick', count - 1);
    expect(await env.result(handle)).toBe(count);
    await env.close();
  });
});
