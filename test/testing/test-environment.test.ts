import { describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

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
});
