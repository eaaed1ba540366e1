import { afterEach, describe, expect, it } from 'vitest';
import { AionError, defineActivity, defineWorkflow } from '../../src/index.js';
import type { HistoryEvent, SupervisionEvent, WorkflowHandle } from '../../src/index.js';
import { FaultInjectingStore, TestEnvironment } from '../../src/testing/index.js';
import { tick } from '../helpers/wait-until.js';
import type { MemoryStore, TestEnvironmentOptions } from '../../src/testing/index.js';

const attempts: string[] = [];

const charge = defineActivity('charge', async (n: number, actx) => {
  attempts.push(`${actx.workflowId}:${actx.activityId}.${actx.attempt}`);
  return `C-${n}`;
});

const order = defineWorkflow('order', async (ctx, n: number) => {
  let stage = 'charging';
  ctx.onQuery('stage', () => stage);
  const first = await ctx.activity(charge, n);
  stage = 'sleeping';
  await ctx.sleep('1m');
  stage = 'waiting';
  const go = await ctx.signal<string>('go');
  const second = await ctx.activity(charge, n + 100);
  return { n, first, go, second };
});

let env: TestEnvironment | undefined;
afterEach(async () => {
  await env?.close();
  env = undefined;
  attempts.length = 0;
});

async function faultyEnvironment(
  options: Omit<TestEnvironmentOptions, 'wrapStore'> = { workflows: [order], activities: [charge] },
): Promise<{
  env: TestEnvironment;
  disk: () => FaultInjectingStore;
}> {
  let disk: FaultInjectingStore | undefined;
  const created = await TestEnvironment.create({
    ...options,
    wrapStore: (store: MemoryStore, clock) => (disk = new FaultInjectingStore(store, { clock })),
  });
  env = created;
  return { env: created, disk: () => disk! };
}

/** Everything stored: every run's summary and history. */
async function snapshot(store: MemoryStore): Promise<unknown> {
  const runs = (await store.listRuns({ limit: 1000 })).items;
  return Promise.all(
    runs.map(async (run) => ({ run, history: await store.readHistory(run.workflowId, run.runId) })),
  );
}

async function codeOf(promise: Promise<unknown>): Promise<{ code?: string; cause?: unknown }> {
  return promise.then(
    () => ({}),
    (error: unknown) =>
      error instanceof AionError
        ? { code: error.code, cause: error.cause }
        : { code: String(error) },
  );
}

describe('store faults', () => {
  it.each(['EIO', 'ENOSPC'] as const)(
    'holds the runs through %s and completes every one after the disk recovers',
    async (fault) => {
      const { env, disk } = await faultyEnvironment();
      const supervision: SupervisionEvent[] = [];
      env.engine.supervision$.subscribe((event) => supervision.push(event));
      const handles: WorkflowHandle[] = [];
      for (let n = 0; n < 6; n++) {
        handles.push(await env.engine.start(order, n, { workflowId: `order-${n}` }));
      }
      await env.idle();
      // Every run sleeps now; the disk fails while their timers fire.
      disk().fail(fault);
      await env.skip('1m');
      const faults = supervision.filter((e) => e.type === 'store-fault');
      expect(faults).toHaveLength(1);
      expect(faults[0]).toMatchObject({
        error: { code: 'STORE_WRITE_FAILED', cause: { code: fault } },
      });
      expect(disk().stats().failedCommits).toBeGreaterThan(0);
      const storeNode = () => env.engine.tree().children.find((node) => node.id === 'store');
      expect(storeNode()?.status).toBe('faulty');
      // Reads are served during the fault.
      const before = await snapshot(env.store);
      expect((await env.engine.describe('order-0')).status).toBe('running');
      expect((await env.engine.list({ status: 'running' })).items).toHaveLength(6);
      expect(await env.engine.query('order-0', 'stage')).toEqual(expect.any(String));
      // Writes from outside are refused, and change nothing.
      const refused = await codeOf(env.engine.start(order, 99, { workflowId: 'order-99' }));
      expect(refused).toMatchObject({ code: 'STORE_WRITE_FAILED', cause: { code: fault } });
      const signal = await codeOf(env.engine.signal('order-1', 'go', 'early'));
      expect(signal.code).toBe('STORE_WRITE_FAILED');
      expect(await snapshot(env.store)).toEqual(before);
      // The disk recovers: every run completes, none crashed or looped.
      disk().clear();
      await env.skip('10s');
      const recovered = supervision.filter((e) => e.type === 'store-recovered');
      expect(recovered).toHaveLength(1);
      expect(storeNode()?.status).toBe('running');
      expect(recovered[0]).toMatchObject({
        path: ['engine', 'store'],
        failedWrites: expect.any(Number),
      });
      for (let n = 0; n < 6; n++) await env.engine.signal(`order-${n}`, 'go', `go-${n}`);
      const results = await Promise.all(handles.map((h) => env.result(h)));
      expect(results).toEqual(
        handles.map((_, n) => ({ n, first: `C-${n}`, go: `go-${n}`, second: `C-${n + 100}` })),
      );
      expect(supervision.filter((e) => e.type === 'crashed')).toEqual([]);
      for (let n = 0; n < 6; n++) {
        const history: HistoryEvent[] = await env.engine.history(`order-${n}`);
        expect(history.filter((e) => e.type === 'TimerFired')).toHaveLength(1);
      }
    },
  );
});

/** Fails its first attempt: a durable retry backoff follows. */
const flaky = defineActivity(
  'flaky',
  async (n: number, actx) => {
    attempts.push(`${actx.workflowId}:${actx.activityId}.${actx.attempt}`);
    if (actx.attempt === 1) throw new Error('hiccup');
    return `F-${n}-${actx.attempt}`;
  },
  { retry: { maxAttempts: 5, initialIntervalMs: 1_000 } },
);

const steps = defineWorkflow('steps', async (ctx, n: number) => {
  const got: string[] = [];
  for (let i = 0; i < 4; i++) {
    got.push(await ctx.activity(charge, n * 10 + i));
    await ctx.sleep('1s');
  }
  got.push(await ctx.activity(flaky, n));
  return got;
});

const child = defineWorkflow('child', async (ctx, n: number) => {
  await ctx.sleep('5s');
  return `child-${n}`;
});

/** Counts `tick` signals to 3 per run, then continues as new; ends on `stop`. */
const counter = defineWorkflow('counter', async (ctx, seen: string[]) => {
  const all = [...seen];
  for (let i = 0; i < 3; i++) {
    const tick = await ctx.signal<string>('tick');
    if (tick === 'stop') return all;
    all.push(tick);
  }
  return ctx.continueAsNew(all);
});

/** Starts a child, signals the counter from the workflow, returns the child's result. */
const parent = defineWorkflow('parent', async (ctx, n: number) => {
  const result = await ctx.child(child, n);
  await ctx.signalWorkflow('counter', 'tick', `from-parent-${n}`);
  return result;
});

const slowly = defineWorkflow('slowly', async (ctx) => {
  await ctx.sleep('1h');
  return 'never';
});

describe('store faults: no run is lost', () => {
  it('rebuilds runs whose writes fail again and again without a CRASH_LOOP', async () => {
    const { env, disk } = await faultyEnvironment({
      workflows: [steps],
      activities: [charge, flaky],
      engine: { runIntensity: { maxRestarts: 1, withinMs: 3_600_000 } },
    });
    const supervision: SupervisionEvent[] = [];
    env.engine.supervision$.subscribe((event) => supervision.push(event));
    const handles: WorkflowHandle[] = [];
    for (let n = 0; n < 5; n++) handles.push(await env.engine.start(steps, n));
    await env.idle();
    // Each probe lets one held write through, and it fails: the same runs
    // are rebuilt many times over, far past their restart intensity.
    disk().fail('ENOSPC', { writes: 12 });
    const results = await Promise.all(handles.map((handle) => env.result(handle)));
    expect(results).toEqual(
      handles.map((_, n) => [...[0, 1, 2, 3].map((i) => `C-${n * 10 + i}`), `F-${n}-2`]),
    );
    expect(disk().stats().failedCommits).toBe(12);
    expect(supervision.filter((e) => e.type === 'crashed')).toEqual([]);
    expect(supervision.filter((e) => e.type === 'store-fault').length).toBeGreaterThan(0);
    expect(supervision.filter((e) => e.type === 'store-recovered').length).toBe(
      supervision.filter((e) => e.type === 'store-fault').length,
    );
    for (const handle of handles) {
      const history = await handle.history();
      expect(history.filter((e) => e.type === 'WorkflowFailed')).toEqual([]);
      // The flaky activity failed once and succeeded once, however often
      // its run was rebuilt: attempts are numbered from what is durable.
      expect(history.filter((e) => e.type === 'ActivityFailed')).toHaveLength(1);
    }
  });

  it('delivers children, signals between runs and continue-as-new across a fault', async () => {
    const { env, disk } = await faultyEnvironment({
      workflows: [parent, child, counter],
      activities: [],
    });
    const chain = await env.engine.start(counter, [], { workflowId: 'counter' });
    const parents: WorkflowHandle[] = [];
    for (let n = 0; n < 4; n++) parents.push(await env.engine.start(parent, n));
    await env.idle();
    disk().fail('EIO');
    // The children's timers fire, their ends and the parents' signals fail.
    await env.skip('10s');
    expect(disk().stats().failedCommits).toBeGreaterThan(0);
    disk().clear();
    expect(await Promise.all(parents.map((p) => env.result(p)))).toEqual([
      'child-0',
      'child-1',
      'child-2',
      'child-3',
    ]);
    await env.idle();
    await env.engine.signal('counter', 'tick', 'stop');
    const ticks: string[] = await env.result(chain);
    expect([...ticks].sort()).toEqual([0, 1, 2, 3].map((n) => `from-parent-${n}`));
  });

  it('times a run out after the disk recovers, and refuses terminate() during the fault', async () => {
    const { env, disk } = await faultyEnvironment({ workflows: [slowly], activities: [] });
    const handle = await env.engine.start(slowly, null, { executionTimeout: '10m' });
    const other = await env.engine.start(slowly, null);
    await env.idle();
    disk().fail('ENOSPC');
    await env.skip('11m'); // the execution timeout fires: its commit fails
    const refused = await codeOf(env.engine.terminate(other.workflowId, 'stop'));
    expect(refused.code).toBe('STORE_WRITE_FAILED');
    expect((await other.describe()).status).toBe('running');
    expect((await handle.describe()).status).toBe('running');
    disk().clear();
    const outcome = await env.settle(
      handle.result().then(
        () => 'completed',
        (error: unknown) => (error as AionError).code,
      ),
    );
    expect(outcome).toBe('WORKFLOW_TIMED_OUT');
    await env.engine.terminate(other.workflowId, 'stop');
    expect((await other.describe()).status).toBe('terminated');
  });

  it('runs an activity again when its completion could not be recorded', async () => {
    const { env, disk } = await faultyEnvironment();
    const handle = await env.engine.start(order, 7, { workflowId: 'order-7' });
    await env.idle();
    await env.skip('1m');
    await env.engine.signal('order-7', 'go', 'now');
    // The second activity's completion is the next write; it fails.
    disk().fail('EIO', { writes: 1 });
    expect(await env.result(handle)).toEqual({ n: 7, first: 'C-7', go: 'now', second: 'C-107' });
    expect(attempts.filter((a) => a.startsWith('order-7:2.'))).toEqual([
      'order-7:2.1',
      'order-7:2.1',
    ]);
  });

  it('closes during a fault without waiting for the disk; a reopened engine finishes the runs', async () => {
    const { env, disk } = await faultyEnvironment();
    const handle = await env.engine.start(order, 3, { workflowId: 'order-3' });
    await env.idle();
    disk().fail('EIO');
    await env.skip('1m'); // the timer's TimerFired is held
    await env.engine.close();
    disk().clear();
    const engine = await env.crash();
    await env.skip('1s');
    await engine.signal('order-3', 'go', 'later');
    expect(await env.result(await engine.getHandle(handle.workflowId))).toEqual({
      n: 3,
      first: 'C-3',
      go: 'later',
      second: 'C-103',
    });
  });
});

describe('store faults: a rebuild never runs twice', () => {
  it('abandons a restart that was waiting for a write when that write fails', async () => {
    let executions = 0;
    const crashOnce = defineWorkflow('crashOnce', async (ctx, n: number) => {
      const charged = ctx.activity(charge, n);
      // A crash right after a command: the restart finds its write in flight.
      if (executions++ === 0) throw new Error('boom');
      return await charged;
    });
    const { env, disk } = await faultyEnvironment({
      workflows: [crashOnce],
      activities: [charge],
    });
    const supervision: SupervisionEvent[] = [];
    env.engine.supervision$.subscribe((event) => supervision.push(event));
    // Every write takes 1 s. The environment is not idle while a run waits
    // for a write to restart, so time is moved by hand.
    const turns = async (): Promise<void> => {
      for (let i = 0; i < 20; i++) await tick();
    };
    disk().slow(1_000);
    const starting = env.engine.start(crashOnce, 5, { workflowId: 'once' });
    await turns();
    env.clock.advance(1_000);
    const handle = await starting;
    await turns(); // the run crashed; its scheduling's write is due in 1 s
    env.clock.advance(500);
    await turns(); // restarted after 100 ms, it waits for that write
    expect(supervision.map((e) => e.type)).toEqual(['started', 'crashed', 'restarted']);
    expect((await handle.describe()).phase).toBe('loading');
    disk().fail('EIO', { writes: 1 });
    disk().slow(0);
    env.clock.advance(500); // the write fails
    await turns();
    expect(await env.result(handle)).toBe('C-5');
    // The crash, then the one rebuild after the failed write: the restart
    // that waited for it never ran the code.
    expect(executions).toBe(2);
    const history = await handle.history();
    expect(history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ]);
    expect(supervision.filter((e) => e.type === 'crashed')).toHaveLength(1);
  });
});
