import { afterEach, describe, expect, it } from 'vitest';
import { AionError, defineActivity, defineWorkflow } from '../../src/index.js';
import type { WorkflowContext, WorkflowHandle } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

const noop = defineActivity('noop', async (n: number) => n);
const other = defineWorkflow('other', async (_ctx, _input: null) => 'other');

/** Each handler tries one command from inside a query. */
const COMMANDS: Record<string, (ctx: WorkflowContext) => unknown> = {
  activity: (ctx) => ctx.activity(noop, 1),
  sleep: (ctx) => ctx.sleep('1s'),
  timer: (ctx) => ctx.timer('1s'),
  signal: (ctx) => ctx.signal('x'),
  child: (ctx) => ctx.child(other, null),
  startChild: (ctx) => ctx.startChild(other, null),
  signalWorkflow: (ctx) => ctx.signalWorkflow('elsewhere', 'x', 1),
  continueAsNew: (ctx) => ctx.continueAsNew(null),
  withTimeout: (ctx) => ctx.withTimeout(Promise.resolve(1), '1s'),
  // Failing the query must not depend on the handler letting the error out.
  'sleep, discarding the promise': (ctx) => {
    void ctx.sleep('1s');
    return 'looks fine';
  },
  'timer, swallowing the error': (ctx) => {
    try {
      ctx.timer('1s');
    } catch {
      // ignored on purpose
    }
    return 'looks fine';
  },
};

/** Counts `tick` signals; answers queries about its state, some of them badly. */
const counter = defineWorkflow('counter', async (ctx, limit: number) => {
  let ticks = 0;
  const seen: unknown[] = [];
  ctx.onQuery('ticks', () => ticks);
  ctx.onQuery('echo', (...args: unknown[]) => ({ args, ticks }));
  ctx.onQuery('throws', () => {
    throw new Error('handler bug');
  });
  for (const [name, command] of Object.entries(COMMANDS)) {
    ctx.onQuery(`command:${name}`, () => command(ctx));
  }
  while (ticks < limit) {
    seen.push(await ctx.signal('tick'));
    ticks++;
  }
  return { ticks, seen };
});

let env: TestEnvironment;
let handle: WorkflowHandle<{ ticks: number; seen: unknown[] }>;

afterEach(async () => {
  await env.close();
});

async function start(): Promise<void> {
  env = await TestEnvironment.create({ workflows: [counter, other], activities: [noop] });
  handle = await env.engine.start(counter, 2, { workflowId: 'counter-1' });
  await env.idle();
}

/** The history length and the number of commits: a query must change neither. */
async function footprint(): Promise<{ history: number; commits: number }> {
  await env.idle();
  return { history: (await handle.history()).length, commits: env.store.stats().commits };
}

async function codeOf(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return error instanceof AionError ? error.code : `not an AionError: ${String(error)}`;
  }
  return 'resolved';
}

describe('queries', () => {
  it('answers from the current state of a resident run, with arguments, appending nothing', async () => {
    await start();
    const before = await footprint();
    expect(await handle.query('ticks')).toBe(0);
    expect(await env.engine.query('counter-1', 'echo', 'a', { b: 1 })).toEqual({
      args: ['a', { b: 1 }],
      ticks: 0,
    });
    expect(await footprint()).toEqual(before);
    await handle.signal('tick', 'one');
    await env.idle();
    expect(await handle.query('ticks')).toBe(1);
    expect((await handle.describe()).residency).toBe('resident');
  });

  it('rejects an unknown name with QUERY_NOT_FOUND naming the known ones', async () => {
    await start();
    const before = await footprint();
    const error = await handle.query('nope').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUERY_NOT_FOUND' });
    expect((error as AionError).details).toMatchObject({
      name: 'nope',
      known: expect.arrayContaining(['ticks', 'echo', 'throws']),
    });
    expect(await footprint()).toEqual(before);
  });

  it('turns a throwing handler into QUERY_FAILED and leaves the run unaffected', async () => {
    await start();
    const before = await footprint();
    const error = await handle.query('throws').catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'QUERY_FAILED', cause: { message: 'handler bug' } });
    expect(await footprint()).toEqual(before);
    await handle.signal('tick', 1);
    await handle.signal('tick', 2);
    expect(await env.result(handle)).toEqual({ ticks: 2, seen: [1, 2] });
  });

  it.each(Object.keys(COMMANDS))(
    'refuses a handler that calls ctx.%s with QUERY_FAILED and records nothing',
    async (name) => {
      await start();
      const before = await footprint();
      expect(await codeOf(handle.query(`command:${name}`))).toBe('QUERY_FAILED');
      expect(await footprint()).toEqual(before);
      expect((await handle.describe()).pendingTimers).toBe(0);
      expect((await env.engine.list()).items).toHaveLength(1);
      // The run goes on as if nothing happened.
      await handle.signal('tick', 1);
      await handle.signal('tick', 2);
      expect(await env.result(handle)).toEqual({ ticks: 2, seen: [1, 2] });
      expect((await handle.history()).map((e) => e.type)).toEqual([
        'WorkflowStarted',
        'SignalReceived',
        'SignalReceived',
        'WorkflowCompleted',
      ]);
    },
  );

  it('answers a suspended run by waking it, appending nothing', async () => {
    await start();
    await handle.signal('tick', 'one');
    // Idle past the engine's idleTimeout (30 s by default): suspended.
    await env.skip('1m');
    expect((await handle.describe()).residency).toBe('suspended');
    const before = await footprint();
    expect(await handle.query('ticks')).toBe(1);
    expect(await codeOf(handle.query('nope'))).toBe('QUERY_NOT_FOUND');
    expect(await codeOf(handle.query('throws'))).toBe('QUERY_FAILED');
    expect(await codeOf(handle.query('command:sleep'))).toBe('QUERY_FAILED');
    expect(await footprint()).toEqual(before);
    await handle.signal('tick', 'two');
    expect(await env.result(handle)).toEqual({ ticks: 2, seen: ['one', 'two'] });
  });

  it('answers after a crash once the recovered run has replayed', async () => {
    await start();
    await handle.signal('tick', 'one');
    await env.idle();
    const engine = await env.crash();
    const before = (await engine.history('counter-1')).length;
    expect(await engine.query('counter-1', 'ticks')).toBe(1);
    expect((await engine.history('counter-1')).length).toBe(before);
  });

  it('rejects a query to an ended run with WORKFLOW_NOT_RUNNING', async () => {
    await start();
    await handle.signal('tick', 1);
    await handle.signal('tick', 2);
    await env.result(handle);
    expect(await codeOf(handle.query('ticks'))).toBe('WORKFLOW_NOT_RUNNING');
  });
});
