import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ApplicationError,
  Engine,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type { HistoryEvent, OutcomeNotice, TerminalOutcome } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import {
  activities as fixtureActivities,
  examples,
  workflows as fixtureWorkflows,
} from '../fixtures/workflows.js';
import { runExample } from '../helpers/run-example.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const tempDir = useTempDirs('streams');

const step = defineActivity('step', async (n: number) => n + 1);
const counter = defineWorkflow('counter', async (ctx, steps: number) => {
  let n = 0;
  for (let i = 0; i < steps; i++) n = await ctx.activity(step, n);
  return n;
});
const refuse = defineWorkflow('refuse', async (ctx, steps: number) => {
  await ctx.activity(step, steps);
  throw new ApplicationError('refused', { type: 'Refused' });
});
const workflows = [counter, refuse];
const activities = [step];

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
});

async function open(store: string | MemoryStore = new MemoryStore()): Promise<Engine> {
  const engine = await Engine.open({
    store,
    workflows,
    activities,
    clock: virtualClock(Date.UTC(2024, 0, 1)),
  });
  engines.push(engine);
  return engine;
}

describe('handle.outcome$', () => {
  it('emits the outcome to subscribers from before and after the run ended, then completes', async () => {
    const engine = await open();
    const handle = await engine.start(counter, 3);
    const early = firstValueFrom(handle.outcome$.pipe(toArray()));
    expect(await handle.result()).toBe(3);
    const late = await firstValueFrom(handle.outcome$.pipe(toArray()));
    expect(await early).toEqual([{ type: 'completed', result: 3 }]);
    expect(late).toEqual([{ type: 'completed', result: 3 }]);
  });

  it('emits a stored outcome from a freshly opened engine', async () => {
    const dir = await tempDir();
    const first = await open(dir);
    const ok = await first.start(counter, 2, { workflowId: 'ok' });
    const failed = await first.start(refuse, 1, { workflowId: 'failed' });
    await ok.result();
    await expect(failed.result()).rejects.toMatchObject({ code: 'WORKFLOW_FAILED' });
    await first.close();

    const second = await open(dir);
    const okAgain = await second.getHandle('ok');
    const failedAgain = await second.getHandle('failed');
    expect(await firstValueFrom(okAgain.outcome$.pipe(toArray()))).toEqual([
      { type: 'completed', result: 2 },
    ]);
    const [outcome] = await firstValueFrom(failedAgain.outcome$.pipe(toArray()));
    expect(outcome).toMatchObject({
      type: 'failed',
      error: { name: 'Refused', message: 'refused' },
    });
    await expect(failedAgain.result()).rejects.toMatchObject({ code: 'WORKFLOW_FAILED' });
  });
});

describe('handle.events$', () => {
  it('gives the history then live events without gap or duplicate, whenever it subscribes', async () => {
    const engine = await open();
    const steps = 15;
    let durable = 0;
    engine.events$.subscribe((e) => {
      if (e.workflowId === 'events') durable++;
    });
    const handle = await engine.start(counter, steps, { workflowId: 'events' });
    const collected: Array<Promise<HistoryEvent[]>> = [];
    const durableAtSubscribe: number[] = [];
    // Subscribe on many successive turns while the run records its events.
    for (let i = 0; i < 40; i++) {
      durableAtSubscribe.push(durable);
      collected.push(firstValueFrom(handle.events$.pipe(toArray())));
      await tick();
    }
    // Most subscriptions came mid-run, at many different points of it.
    const midRun = durableAtSubscribe.filter((n) => n < 2 + 2 * steps);
    expect(new Set(midRun).size).toBeGreaterThanOrEqual(10);
    expect(await handle.result()).toBe(steps);
    const history = await handle.history();
    expect(history).toHaveLength(2 + 2 * steps);
    for (const events of await Promise.all(collected)) expect(events).toEqual(history);
  });

  it('replays the whole history of an ended run and completes', async () => {
    const engine = await open();
    const handle = await engine.start(counter, 2);
    await handle.result();
    const events = await firstValueFrom(handle.events$.pipe(toArray()));
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(events.at(-1)?.type).toBe('WorkflowCompleted');
  });
});

describe('engine.outcomes$', () => {
  it('emits one notice per run as it ends, and none for runs that ended earlier', async () => {
    const dir = await tempDir();
    const engine = await open(dir);
    const notices: OutcomeNotice[] = [];
    engine.outcomes$.subscribe((notice) => notices.push(notice));
    const handles = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        engine.start(i % 5 === 0 ? refuse : counter, i % 4, { workflowId: `run-${i}` }),
      ),
    );
    await Promise.all(handles.map((h) => h.result().catch(() => undefined)));
    await waitUntil(() => notices.length >= 20, { what: '20 notices' });
    for (let i = 0; i < 5; i++) await tick();
    expect(notices).toHaveLength(20);
    expect(new Set(notices.map((n) => n.runId)).size).toBe(20);
    for (const [i, handle] of handles.entries()) {
      const notice = notices.find((n) => n.runId === handle.runId);
      const expected: Partial<TerminalOutcome> =
        i % 5 === 0 ? { type: 'failed' } : { type: 'completed', result: i % 4 };
      expect(notice).toMatchObject({
        workflowId: `run-${i}`,
        workflowType: i % 5 === 0 ? 'refuse' : 'counter',
        outcome: expected,
      });
    }
    await engine.close();

    const reopened = await open(dir);
    const later: OutcomeNotice[] = [];
    reopened.outcomes$.subscribe((notice) => later.push(notice));
    const extra = await reopened.start(counter, 1, { workflowId: 'extra' });
    await extra.result();
    await waitUntil(() => later.length >= 1);
    for (let i = 0; i < 5; i++) await tick();
    expect(later.map((n) => n.workflowId)).toEqual(['extra']);
  });

  it('reports the runs that recovery finishes to a subscriber from right after open', async () => {
    // Five runs cut just before their terminal event: replay in Engine.open
    // ends them at once.
    const recorded = await runExample(examples[0]!, 'template');
    const cut = recorded.history.slice(0, -1);
    const store = new MemoryStore();
    for (let i = 0; i < 5; i++) {
      const workflowId = `cut-${i}`;
      const runId = `${recorded.runId.slice(0, -1)}${i}`;
      await store.commit([
        {
          workflowId,
          runId,
          expectedSeq: 0,
          events: cut.map((e) => ({ ...e, workflowId, runId })),
        },
      ]);
    }
    const engine = await Engine.open({
      store,
      workflows: fixtureWorkflows,
      activities: fixtureActivities,
      clock: virtualClock(Date.UTC(2024, 0, 2)),
    });
    engines.push(engine);
    const notices: OutcomeNotice[] = [];
    engine.outcomes$.subscribe((notice) => notices.push(notice));
    await waitUntil(async () => (await engine.list({ status: 'running' })).items.length === 0);
    for (let i = 0; i < 5; i++) await tick();
    expect(notices.map((n) => n.workflowId).sort()).toEqual([0, 1, 2, 3, 4].map((i) => `cut-${i}`));
    expect(notices.every((n) => n.outcome.type === 'completed')).toBe(true);
  });
});
