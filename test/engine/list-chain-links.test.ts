/** `list()` shows the continue-as-new chain, as `describe()` does. */
import { expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

const twice = defineWorkflow('twice', async (ctx, round: number): Promise<number> => {
  if (round === 0) return ctx.continueAsNew(1);
  return round;
});

it('links the runs of a chain in list()', async () => {
  const env = await TestEnvironment.create({ workflows: [twice] });
  try {
    const first = await env.engine.start(twice, 0, { workflowId: 'chain' });
    await env.result(first);
    const last = await env.engine.describe('chain');
    const items = (await env.engine.list()).items;
    expect(items.find((r) => r.runId === first.runId)).toMatchObject({ nextRunId: last.runId });
    expect(items.find((r) => r.runId === last.runId)).toMatchObject({
      previousRunId: first.runId,
    });
  } finally {
    await env.close();
  }
});
