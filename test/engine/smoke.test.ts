import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, defineActivity, defineWorkflow } from '../../src/index.js';

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
  dirs = [];
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aion-smoke-'));
  dirs.push(dir);
  return dir;
}

describe('engine smoke', () => {
  it('runs three activities and returns the result', async () => {
    const step = defineActivity('step', async (n: number) => n * 2);
    const wf = defineWorkflow('three', async (ctx, x: number) => {
      const a = await ctx.activity(step, x);
      const b = await ctx.activity(step, a);
      const c = await ctx.activity(step, b);
      return c;
    });
    const engine = await Engine.open({
      store: await tempDir(),
      workflows: [wf],
      activities: [step],
    });
    const handle = await engine.start(wf, 1, { workflowId: 'w1' });
    expect(await handle.result()).toBe(8);
    const history = await handle.history();
    expect(history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'ActivityScheduled',
      'ActivityCompleted',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ]);
    await engine.close();
  });
});
