import { afterEach, describe, expect, it } from 'vitest';
import { WorkflowAlreadyStartedError, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

/** Waits for one `go` signal and returns its input with the payload. */
const waiter = defineWorkflow('waiter', async (ctx, input: string) => {
  const payload = await ctx.signal<string>('go');
  return `${input}:${payload}`;
});

/** Continues as new once, then waits like `waiter`. */
const chained = defineWorkflow('chained', async (ctx, round: number): Promise<string> => {
  if (round === 0) return ctx.continueAsNew(1);
  return `round ${round}:${await ctx.signal<string>('go')}`;
});

let env: TestEnvironment;
afterEach(async () => {
  await env.close();
});

async function create(): Promise<void> {
  env = await TestEnvironment.create({ workflows: [waiter, chained] });
}

/** What a refused start must leave unchanged. */
async function footprint(): Promise<unknown> {
  await env.idle();
  const runs = await env.engine.list({ limit: 100 });
  return { runs: runs.items, commits: env.store.stats().commits };
}

describe('start options', () => {
  it('refuses a second start of a running workflow id with WORKFLOW_ALREADY_STARTED', async () => {
    await create();
    const first = await env.engine.start(waiter, 'first', { workflowId: 'w' });
    const before = await footprint();
    const error = await env.engine.start(waiter, 'second', { workflowId: 'w' }).catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowAlreadyStartedError);
    expect(error).toMatchObject({
      code: 'WORKFLOW_ALREADY_STARTED',
      details: { workflowId: 'w', runId: first.runId },
    });
    expect(await footprint()).toEqual(before);
  });

  it('returns the running run with idempotent: true, writing nothing', async () => {
    await create();
    const first = await env.engine.start(waiter, 'first', { workflowId: 'w' });
    const before = await footprint();
    const again = await env.engine.start(waiter, 'ignored', { workflowId: 'w', idempotent: true });
    expect(again.runId).toBe(first.runId);
    expect(await footprint()).toEqual(before);
    await again.signal('go', 'x');
    expect(await env.result(first)).toBe('first:x');
  });

  it('starts a new run under the id once the previous one ended', async () => {
    await create();
    const first = await env.engine.start(waiter, 'first', { workflowId: 'w' });
    await first.signal('go', 'x');
    await env.result(first);
    const second = await env.engine.start(waiter, 'second', { workflowId: 'w' });
    expect(second.runId).not.toBe(first.runId);
    expect((await env.engine.getHandle('w')).runId).toBe(second.runId);
    await env.engine.signal('w', 'go', 'y');
    expect(await env.result(second)).toBe('second:y');
  });

  it('lets exactly one of several concurrent starts of one id win', async () => {
    await create();
    const attempts = await Promise.allSettled(
      Array.from({ length: 5 }, (_, i) => env.engine.start(waiter, `${i}`, { workflowId: 'w' })),
    );
    const won = attempts.filter((a) => a.status === 'fulfilled');
    const lost = attempts.filter((a) => a.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.map((a) => (a.reason as { code: string }).code)).toEqual(
      Array(4).fill('WORKFLOW_ALREADY_STARTED'),
    );
    const idempotent = await Promise.all(
      Array.from({ length: 3 }, () =>
        env.engine.start(waiter, 'x', { workflowId: 'v', idempotent: true }),
      ),
    );
    expect(new Set(idempotent.map((h) => h.runId)).size).toBe(1);
    expect((await env.engine.list()).items).toHaveLength(2);
  });

  it('applies to the latest run of a continue-as-new chain and survives a crash', async () => {
    await create();
    const first = await env.engine.start(chained, 0, { workflowId: 'c' });
    await env.idle();
    const latest = await env.engine.describe('c');
    expect(latest.previousRunId).toBe(first.runId);
    const engine = await env.crash();
    await expect(engine.start(chained, 0, { workflowId: 'c' })).rejects.toMatchObject({
      code: 'WORKFLOW_ALREADY_STARTED',
      details: { runId: latest.runId },
    });
    const same = await engine.start(chained, 0, { workflowId: 'c', idempotent: true });
    expect(same.runId).toBe(latest.runId);
    await same.signal('go', 'z');
    expect(await env.result(same)).toBe('round 1:z');
  });
});
