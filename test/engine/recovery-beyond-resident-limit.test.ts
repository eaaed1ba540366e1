import { afterEach, describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

/**
 * Regression (simulator seed 61, 60 steps, with `maxResidentRuns: 2`):
 * recovery hosted at most `maxResidentRuns` runs, whether they had work to
 * do or only waited on a timer. Runs with work to do past the limit (an
 * activity to run again, a signal to take, code that never ran) stayed
 * suspended with nothing to wake them: they never ended.
 */

let attemptsHang = true;

/** Hangs until the process dies; after the crash, returns at once. */
const gate = defineActivity('gate', async (n: number) => {
  if (attemptsHang) await new Promise(() => undefined);
  return n;
});

const flow = defineWorkflow('flow', async (ctx, n: number) => ctx.activity(gate, n));

let env: TestEnvironment;
afterEach(async () => {
  await env.close();
});

describe('recovery past maxResidentRuns', () => {
  it('brings back every run with work to do, not only the first ones', async () => {
    attemptsHang = true;
    env = await TestEnvironment.create({
      workflows: [flow],
      activities: [gate],
      engine: { maxResidentRuns: 1 },
    });
    for (const n of [1, 2, 3]) await env.engine.start(flow, n, { workflowId: `f-${n}` });
    await env.idle();
    attemptsHang = false;

    const engine = await env.crash();
    const results = [];
    for (const n of [1, 2, 3]) results.push(await env.result(await engine.getHandle(`f-${n}`)));
    expect(results).toEqual([1, 2, 3]);
  });
});
