import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { after, expectEquivalentAtEveryCrashPoint, typesOf } from '../helpers/crash-points.js';
import type { Scenario } from '../helpers/crash-points.js';

interface Count {
  readonly run: number;
  readonly total: number;
}

/** Consumes one `add` signal per run and continues as new until its third run. */
const counter = defineWorkflow('counter', async (ctx, state: Count): Promise<Count> => {
  ctx.onQuery('state', () => state);
  await ctx.sleep('1m');
  const add = await ctx.signal<number>('add');
  const next = { run: state.run + 1, total: state.total + add };
  if (next.run < 3) return ctx.continueAsNew(next);
  return next;
});

/** Continues as another workflow type. */
const first = defineWorkflow('first', async (ctx, n: number): Promise<string> => {
  return ctx.continueAsNew(n + 1, { workflowType: 'second' });
});
const second = defineWorkflow('second', async (_ctx, n: number) => `second got ${n}`);

/** Continues as new as soon as one `go` arrives; whatever else arrived is carried. */
const relay = defineWorkflow('relay', async (ctx, round: number): Promise<unknown> => {
  const got = await ctx.signal<string>('go');
  if (round === 0) return ctx.continueAsNew(1);
  return got;
});

const add = (n: number) => ({
  label: `add ${n}`,
  when: after('TimerStarted'),
  act: (engine: Engine) => engine.signal('counter-1', 'add', n),
  effect: 'SignalReceived' as const,
});

const counterScenario: Scenario = {
  name: 'continue-as-new',
  workflows: [counter],
  activities: [],
  start: (engine) => engine.start(counter, { run: 0, total: 0 }, { workflowId: 'counter-1' }),
  steps: [
    add(1),
    add(2),
    add(3),
    {
      label: 'query the second run',
      when: (events) => events.filter((e) => e.type === 'WorkflowStarted').length === 2,
      act: (engine) => engine.query('counter-1', 'state'),
    },
  ],
};

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('continue-as-new', () => {
  it('follows the chain to the last run and links the runs', async () => {
    env = await TestEnvironment.create({ workflows: [counter] });
    const handle = await env.engine.start(counter, { run: 0, total: 0 }, { workflowId: 'c' });
    await env.idle();
    for (const n of [1, 2, 3]) await env.engine.signal('c', 'add', n);
    expect(await env.result(handle)).toEqual({ run: 3, total: 6 });
    expect(await firstValueFrom(handle.outcome$)).toMatchObject({
      type: 'continuedAsNew',
      input: { run: 1, total: 1 },
    });

    const [d0, latest] = [await handle.describe(), await env.engine.describe('c')];
    expect(d0).toMatchObject({ status: 'continuedAsNew', runId: handle.runId });
    expect(d0.previousRunId).toBeUndefined();
    const d1 = await env.engine.describe('c', d0.nextRunId);
    expect(d1).toMatchObject({ status: 'continuedAsNew', previousRunId: handle.runId });
    expect(latest).toMatchObject({
      status: 'completed',
      runId: d1.nextRunId,
      previousRunId: d1.runId,
    });
    expect(latest.nextRunId).toBeUndefined();

    const listed = await env.engine.list({ workflowType: 'counter' });
    expect(listed.items.map((r) => [r.runId, r.status]).sort()).toEqual(
      [
        [d0.runId, 'continuedAsNew'],
        [d1.runId, 'continuedAsNew'],
        [latest.runId, 'completed'],
      ].sort(),
    );

    // Unconsumed signals start the next run, right after its WorkflowStarted.
    const h1 = await env.engine.history('c', d1.runId);
    expect(h1.slice(0, 3)).toMatchObject([
      { type: 'WorkflowStarted', previousRunId: d0.runId, input: { run: 1, total: 1 } },
      { type: 'SignalReceived', name: 'add', payload: 2 },
      { type: 'SignalReceived', name: 'add', payload: 3 },
    ]);
    const h2 = await env.engine.history('c', latest.runId);
    expect(typesOf(h2.slice(0, 2))).toEqual(['WorkflowStarted', 'SignalReceived']);
    // A handle to an earlier run no longer takes signals; the workflow id does.
    await expect(handle.signal('add', 9)).rejects.toMatchObject({ code: 'WORKFLOW_NOT_RUNNING' });
  });

  it('records the end and the next start in one batch', async () => {
    const commits: RunAppend[][] = [];
    const store = new MemoryStore({ beforeWrite: (appends) => commits.push([...appends]) });
    const engine = await Engine.open({
      store,
      clock: virtualClock(Date.UTC(2024, 0, 1)),
      workflows: [first, second],
    });
    try {
      const started = await engine.start(first, 1, { workflowId: 'typed' });
      expect(await started.result()).toBe('second got 2');
      const last = await engine.describe('typed');
      expect(last).toMatchObject({ workflowType: 'second', previousRunId: started.runId });
      const ending = commits.find((c) =>
        c.some((a) => a.events.some((e) => e.type === 'WorkflowContinuedAsNew')),
      );
      expect(ending?.map((a) => [a.runId, a.events.map((e) => e.type).join(' ')])).toEqual([
        [started.runId, 'WorkflowContinuedAsNew'],
        [last.runId, 'WorkflowStarted'],
      ]);
      expect(ending?.[0]?.events[0]).toMatchObject({
        workflowType: 'second',
        input: 2,
        nextRunId: last.runId,
      });
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('carries a signal committed with the one that ended the run but not yet delivered', async () => {
    env = await TestEnvironment.create({ workflows: [relay] });
    const handle = await env.engine.start(relay, 0, { workflowId: 'relay' });
    await env.idle();
    // Both land in one commit; the first ends the run before the second is handed over.
    await Promise.all([handle.signal('go', 'one'), handle.signal('go', 'two')]);
    expect(await env.result(handle)).toBe('two');
    const first = await handle.history();
    expect(typesOf(first)).toEqual([
      'WorkflowStarted',
      'SignalReceived',
      'SignalReceived',
      'WorkflowContinuedAsNew',
    ]);
    expect(await env.engine.history('relay')).toMatchObject([
      { type: 'WorkflowStarted' },
      { type: 'SignalReceived', name: 'go', payload: 'two' },
      { type: 'WorkflowCompleted', result: 'two' },
    ]);
  });

  it('recovers from a crash at every commit to the same chain', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(counterScenario);
    expect(recording.runs.map((r) => r.summary.status).sort()).toEqual([
      'completed',
      'continuedAsNew',
      'continuedAsNew',
    ]);
    expect(recording.steps.at(-1)?.answer).toEqual({ value: { run: 1, total: 1 } });
  });
});
