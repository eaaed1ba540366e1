import { afterEach, describe, expect, it } from 'vitest';
import { firstValueFrom } from 'rxjs';
import { filter } from 'rxjs/operators';
import { Engine, TimeoutError, defineWorkflow, virtualClock } from '../../src/index.js';
import type { SupervisionEvent } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { after, expectEquivalentAtEveryCrashPoint, typesOf } from '../helpers/crash-points.js';
import type { Scenario } from '../helpers/crash-points.js';

/** Receives two `a`, a `b` that times out, a `b`, and an `a` with a timeout. */
const inbox = defineWorkflow('inbox', async (ctx, _input: null) => {
  const got: unknown[] = [];
  ctx.onQuery('got', () => [...got]);
  await ctx.sleep('10s'); // a1 and a2 arrive meanwhile: buffered
  got.push(await ctx.signal('a'));
  got.push(await ctx.signal('a'));
  try {
    got.push(await ctx.signal('b', { timeout: '1m' }));
  } catch (error) {
    got.push(error instanceof TimeoutError ? 'b timed out' : 'unexpected');
  }
  got.push(await ctx.signal('b')); // b1 arrived after the timeout: not consumed by it
  got.push(await ctx.signal('a', { timeout: '1h' }));
  return got;
});

/** Waits for `count` signals of one name and returns their payloads. */
const collector = defineWorkflow('collector', async (ctx, count: number) => {
  const got: unknown[] = [];
  for (let i = 0; i < count; i++) got.push(await ctx.signal('item'));
  return got;
});

/** Forwards its input as a signal to another workflow, then returns. */
const forwarder = defineWorkflow(
  'forwarder',
  async (ctx, input: { target: string; payload: unknown }) => {
    await ctx.signalWorkflow(input.target, 'item', input.payload);
    return 'sent';
  },
);

const signal = (name: string, payload: unknown) => (engine: Engine) =>
  engine.signal('inbox-1', name, payload);

const inboxScenario: Scenario = {
  name: 'signals',
  workflows: [inbox],
  activities: [],
  start: (engine) => engine.start(inbox, null, { workflowId: 'inbox-1' }),
  steps: [
    { label: 'query before any receive', when: after('TimerStarted'), act: queryGot },
    { label: 'a1', when: after('TimerStarted'), act: signal('a', 'a1'), effect: 'SignalReceived' },
    { label: 'a2', when: after('TimerStarted'), act: signal('a', 'a2'), effect: 'SignalReceived' },
    {
      label: 'never consumed',
      when: after('TimerStarted'),
      act: signal('zzz', 0),
      effect: 'SignalReceived',
    },
    {
      label: 'b1',
      when: after('TimerFired', { timerId: 't2' }),
      act: signal('b', 'b1'),
      effect: 'SignalReceived',
    },
    { label: 'query mid-way', when: after('TimerStarted', { timerId: 't3' }), act: queryGot },
    {
      label: 'a3',
      when: after('TimerStarted', { timerId: 't3' }),
      act: signal('a', 'a3'),
      effect: 'SignalReceived',
    },
  ],
};

/** Started by signalWithStart; a second call only signals the running run. */
const withStartScenario: Scenario = {
  name: 'signalWithStart',
  workflows: [collector],
  activities: [],
  start: (engine) => engine.signalWithStart(collector, 2, 'item', 'one', { workflowId: 'sws' }),
  steps: [
    {
      label: 'second call',
      when: after('SignalReceived'),
      act: async (engine) => {
        const handle = await engine.signalWithStart(collector, 9, 'item', 'two', {
          workflowId: 'sws',
        });
        return (await engine.describe('sws')).runId === handle.runId;
      },
      effect: 'SignalReceived',
    },
  ],
};

function queryGot(engine: Engine): Promise<unknown> {
  return engine.query('inbox-1', 'got');
}

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
});

describe('signals', () => {
  it('buffers signals sent before the wait and gives the k-th receive the k-th arrival', async () => {
    env = await TestEnvironment.create({ workflows: [collector] });
    const handle = await env.engine.start(collector, 3, { workflowId: 'c' });
    await handle.signal('item', 'first');
    await env.engine.signal('c', 'item', 'second');
    await env.engine.signal('c', 'item', 'third');
    expect(await env.result(handle)).toEqual(['first', 'second', 'third']);
    const received = (await handle.history()).filter((e) => e.type === 'SignalReceived');
    expect(received.map((e) => (e.type === 'SignalReceived' ? e.payload : undefined))).toEqual([
      'first',
      'second',
      'third',
    ]);
  });

  it('times out a receive without consuming the signal that arrives later', async () => {
    env = await TestEnvironment.create({ workflows: [inbox] });
    const handle = await env.engine.start(inbox, null, { workflowId: 'inbox-1' });
    await env.idle();
    await handle.signal('a', 'a1');
    await handle.signal('a', 'a2');
    await env.skip('10s');
    expect(await handle.query('got')).toEqual(['a1', 'a2']);
    await env.skip('1m');
    expect(await handle.query('got')).toEqual(['a1', 'a2', 'b timed out']);
    await handle.signal('b', 'b1');
    await env.idle();
    await handle.signal('a', 'a3');
    expect(await env.result(handle)).toEqual(['a1', 'a2', 'b timed out', 'b1', 'a3']);
    const history = await handle.history();
    // The b-timeout fired; the a-timeout was cancelled once a3 arrived.
    expect(
      history.filter((e) => e.type === 'TimerFired' || e.type === 'TimerCancelled'),
    ).toMatchObject([
      { type: 'TimerFired', timerId: 't1' },
      { type: 'TimerFired', timerId: 't2' },
      { type: 'TimerCancelled', timerId: 't3' },
    ]);
  });

  it('recovers from a crash at every commit to the same histories and query answers', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(inboxScenario);
    const [run] = recording.runs;
    expect(run?.history.at(-1)).toMatchObject({
      type: 'WorkflowCompleted',
      result: ['a1', 'a2', 'b timed out', 'b1', 'a3'],
    });
    expect(recording.steps.map((s) => s.answer)).toEqual([
      { value: [] },
      { value: undefined },
      { value: undefined },
      { value: undefined },
      { value: undefined },
      { value: ['a1', 'a2', 'b timed out', 'b1'] },
      { value: undefined },
    ]);
  });
});

describe('signalWithStart', () => {
  it('starts the run and records the signal in the same batch', async () => {
    const commits: RunAppend[][] = [];
    const store = new MemoryStore({ beforeWrite: (appends) => commits.push([...appends]) });
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    const engine = await Engine.open({ store, clock, workflows: [collector] });
    try {
      const handle = await engine.signalWithStart(collector, 2, 'item', 'one', {
        workflowId: 'sws',
      });
      expect(commits[0]).toHaveLength(1);
      expect(typesOf(commits[0]?.[0]?.events ?? [])).toEqual(['WorkflowStarted', 'SignalReceived']);

      // A second call finds the run running: it only signals it.
      const again = await engine.signalWithStart(collector, 99, 'item', 'two', {
        workflowId: 'sws',
      });
      expect(again.runId).toBe(handle.runId);
      expect(await handle.result()).toEqual(['one', 'two']);
      const runs = await engine.list({ workflowType: 'collector' });
      expect(runs.items).toHaveLength(1);

      // Once it ended, the next call starts a new run with the new input.
      const next = await engine.signalWithStart(collector, 1, 'item', 'three', {
        workflowId: 'sws',
      });
      expect(next.runId).not.toBe(handle.runId);
      expect(await next.result()).toEqual(['three']);
    } finally {
      await engine.close();
      await store.close();
    }
  });

  it('recovers from a crash at every commit with one run and both signals', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(withStartScenario);
    expect(recording.runs).toHaveLength(1);
    expect(recording.runs[0]?.history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'SignalReceived',
      'SignalReceived',
      'WorkflowCompleted',
    ]);
    expect(recording.steps[0]?.answer).toEqual({ value: true });
  });

  it('starts one run when two calls race for the same workflow id', async () => {
    env = await TestEnvironment.create({ workflows: [collector] });
    const [a, b] = await Promise.all([
      env.engine.signalWithStart(collector, 2, 'item', 'x', { workflowId: 'race' }),
      env.engine.signalWithStart(collector, 2, 'item', 'y', { workflowId: 'race' }),
    ]);
    expect(a.runId).toBe(b.runId);
    expect(await env.result(a)).toEqual(['x', 'y']);
    expect((await env.engine.list()).items).toHaveLength(1);
  });
});

describe('ctx.signalWorkflow', () => {
  it('records SignalSent in the sender and SignalReceived in the target', async () => {
    env = await TestEnvironment.create({ workflows: [collector, forwarder] });
    const target = await env.engine.start(collector, 1, { workflowId: 'target' });
    const sender = await env.engine.start(forwarder, { target: 'target', payload: { n: 7 } });
    expect(await env.result(sender)).toBe('sent');
    expect(await env.result(target)).toEqual([{ n: 7 }]);
    expect(await sender.history()).toMatchObject([
      { type: 'WorkflowStarted' },
      { type: 'SignalSent', targetWorkflowId: 'target', name: 'item', payload: { n: 7 } },
      { type: 'WorkflowCompleted', result: 'sent' },
    ]);
  });

  it('reports a signal to an unknown workflow on supervision$ and lets the sender go on', async () => {
    env = await TestEnvironment.create({ workflows: [forwarder] });
    const fault = firstValueFrom(
      env.engine.supervision$.pipe(filter((e: SupervisionEvent) => e.type === 'fault')),
    );
    const sender = await env.engine.start(forwarder, { target: 'nobody', payload: 1 });
    expect(await env.result(sender)).toBe('sent');
    expect(await fault).toMatchObject({ error: { code: 'WORKFLOW_NOT_FOUND' } });
  });
});
