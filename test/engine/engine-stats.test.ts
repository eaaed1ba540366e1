import { afterEach, describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { IDLE_ENGINE_STATS } from '../helpers/idle-stats.js';

const double = defineActivity('double', async (n: number) => n * 2);

const child = defineWorkflow('child', async (_ctx, n: number) => n + 1);

/** Ends in every way a run can: completion, timer, child, signal, continue-as-new. */
const mixed = defineWorkflow('mixed', async (ctx, n: number): Promise<number> => {
  let got = 0;
  ctx.onQuery('got', () => got);
  switch (n % 5) {
    case 0:
      return ctx.activity(double, n);
    case 1:
      await ctx.sleep('1h');
      return n;
    case 2:
      return ctx.startChild(child, n, { workflowId: `child-${n}` }).then((h) => h.result());
    case 3:
      got = await ctx.withTimeout(ctx.signal<number>('go'), '1d');
      return got;
    default:
      return n < 100 ? ctx.continueAsNew(n + 100) : n;
  }
});

const waiter = defineWorkflow('waiter', async (ctx) => {
  await ctx.signal('never');
});

const idle = IDLE_ENGINE_STATS;

let env: TestEnvironment;
afterEach(async () => {
  await env.close();
});

describe('engine.stats', () => {
  it('counts the runs in memory while they run and nothing once they all ended', async () => {
    env = await TestEnvironment.create({ workflows: [mixed, child, waiter], activities: [double] });
    const engine = env.engine;
    expect(engine.stats()).toEqual(idle);
    const N = 100;
    const handles = await Promise.all(
      Array.from({ length: N }, (_, n) => engine.start(mixed, n, { workflowId: `m-${n}` })),
    );
    const doomed = await Promise.all([
      engine.start(waiter, null, { workflowId: 'terminated' }),
      engine.start(waiter, null, { workflowId: 'cancelled' }),
    ]);
    await env.idle();
    const busy = engine.stats();
    // Those sleeping (case 1) or waiting for a signal (case 3) and the two
    // waiters are still running; the rest ended.
    expect(busy.residentRuns).toBe(busy.runActors);
    expect(busy.hostedRuns).toBe(busy.runActors);
    expect(busy.runningRuns).toBe(2 + (2 * N) / 5);
    expect(busy.residentRuns).toBeGreaterThanOrEqual(busy.runningRuns);
    expect(busy.timerArmed).toBe(true);
    for (let n = 3; n < N; n += 5) await engine.signal(`m-${n}`, 'go', n);
    await engine.terminate('terminated');
    await engine.cancel('cancelled');
    const results = await env.settle(Promise.all(handles.map((h) => h.result())));
    expect(results).toEqual(
      Array.from({ length: N }, (_, n) => [n * 2, n, n + 1, n, n + 100][n % 5]),
    );
    for (const handle of doomed) await env.settle(handle.result().catch(() => 'ended'));
    await env.idle();
    // Before the fix, the supervision layer kept every ended run's host
    // (its actor, execution and ledger): ~13 KB per run, forever.
    expect(engine.stats()).toEqual(idle);
  });
});
