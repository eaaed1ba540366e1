import { afterEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  WorkflowCancelledError,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type { Engine, HistoryEvent } from '../../src/index.js';
import { MemoryStore, createMemoryStoreData } from '../../src/store/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { after, expectEquivalentAtEveryCrashPoint, typesOf } from '../helpers/crash-points.js';
import { openOnTables } from '../helpers/memory-engine.js';
import { waitUntil } from '../helpers/wait-until.js';
import type { Scenario } from '../helpers/crash-points.js';

let aborted: string[] = [];

/** Never finishes on its own; records that its attempt saw `actx.signal` abort. */
const hang = defineActivity('hang', (label: string, actx) => {
  return new Promise<string>((_resolve, reject) => {
    actx.signal.addEventListener(
      'abort',
      () => {
        aborted.push(label);
        reject(new Error(`${label} aborted`, { cause: actx.signal.reason }));
      },
      { once: true },
    );
  });
});

const undo = defineActivity('undo', async (label: string) => `undone ${label}`);

/** A compensation that takes a few real milliseconds, as real ones do. */
const slowUndo = defineActivity('slowUndo', async (label: string) => {
  await new Promise((resolve) => setTimeout(resolve, 5));
  return `undone ${label}`;
});

/** Compensates at once, with an activity still in flight when recovery ends. */
const compensating = defineWorkflow('compensating', async (ctx, _input: null) => {
  try {
    await ctx.sleep('1d');
    return 'done';
  } catch (error) {
    if (error instanceof CancelledError) await ctx.activity(slowUndo, 'booking');
    throw error;
  }
});

/** Waits for a signal that never comes; cleans up and returns when cancelled. */
const waitingChild = defineWorkflow('waitingChild', async (ctx, _input: null) => {
  try {
    return await ctx.signal<string>('never');
  } catch (error) {
    if (error instanceof CancelledError) return 'child cleaned up';
    throw error;
  }
});

const settle = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof CancelledError ? 'cancelled' : `other: ${String(error)}`),
  );

/**
 * Waits on one of every kind of durable operation, then compensates after
 * the cancellation: `rethrow` ends the run cancelled, `return` completed.
 */
const cancellable = defineWorkflow('cancellable', async (ctx, mode: 'rethrow' | 'return') => {
  const outcomes = await Promise.all([
    settle(ctx.activity(hang, 'activity')),
    settle(ctx.sleep('1d')),
    settle(ctx.signal('never')),
    settle(ctx.child(waitingChild, null)),
    settle(ctx.timer('2d').fired),
  ]);
  // Compensation: commands keep working after the request. (The sleep
  // first lets the child's outcome arrive before the next command, so the
  // parent's history has one order whatever the timing.)
  await ctx.sleep('1m');
  const undone = await ctx.activity(undo, 'activity');
  const { requested, reason, signal } = ctx.cancellation;
  const seen = { outcomes, undone, requested, reason, aborted: signal.aborted };
  if (mode === 'return') return seen;
  throw new CancelledError(reason);
});

const cancel = {
  label: 'cancel',
  when: after('ChildWorkflowStarted'),
  act: (engine: Engine) => engine.cancel('cancel-1', 'changed plans'),
  effect: 'WorkflowCancelRequested' as const,
};

const scenario: Scenario = {
  name: 'cancellation',
  workflows: [cancellable, waitingChild],
  activities: [hang, undo],
  start: (engine) => engine.start(cancellable, 'rethrow', { workflowId: 'cancel-1' }),
  steps: [cancel, { ...cancel, label: 'cancel again (no-op)', effect: undefined }],
};

const SEEN = {
  outcomes: ['cancelled', 'cancelled', 'cancelled', 'cancelled', 'cancelled'],
  undone: 'undone activity',
  requested: true,
  reason: 'changed plans',
  aborted: true,
};

/** A run's history straight from the tables, with no engine open. */
async function readHistory(
  data: ReturnType<typeof createMemoryStoreData>,
  workflowId: string,
): Promise<HistoryEvent[]> {
  const store = new MemoryStore({ data });
  try {
    const runId = await store.getLatestRunId(workflowId);
    return runId === undefined ? [] : await store.readHistory(workflowId, runId);
  } finally {
    await store.close();
  }
}

let env: TestEnvironment | undefined;
afterEach(async () => {
  aborted = [];
  await env?.close();
  env = undefined;
});

describe('cancellation', () => {
  it('rejects every pending await, aborts attempts, cancels children and lets the code compensate', async () => {
    env = await TestEnvironment.create({
      workflows: [cancellable, waitingChild],
      activities: [hang, undo],
    });
    const handle = await env.engine.start(cancellable, 'return', { workflowId: 'c' });
    await env.idle();
    await handle.cancel('changed plans');
    await handle.cancel('a second request is a no-op');
    // Returning a value after the request ends the run completed.
    expect(await env.result(handle)).toEqual(SEEN);
    expect(aborted).toEqual(['activity']);

    const history = await handle.history();
    expect(history.filter((e) => e.type === 'WorkflowCancelRequested')).toHaveLength(1);
    const afterRequest = typesOf(
      history.slice(history.findIndex((e) => e.type === 'WorkflowCancelRequested')),
    );
    expect(afterRequest).toContain('ActivityCancelled');
    expect(afterRequest.at(-1)).toBe('WorkflowCompleted');
    // The child was cancelled with its parent; it cleaned up and completed.
    expect(await env.engine.getHandle('c/1').then((h) => h.result())).toBe('child cleaned up');
    expect((await env.engine.history('c/1')).map((e) => e.type)).toContain(
      'WorkflowCancelRequested',
    );
  });

  it('ends the run cancelled when the code rethrows', async () => {
    env = await TestEnvironment.create({
      workflows: [cancellable, waitingChild],
      activities: [hang, undo],
    });
    const handle = await env.engine.start(cancellable, 'rethrow', { workflowId: 'c' });
    await env.idle();
    await handle.cancel('changed plans');
    const error = await env.result(handle).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowCancelledError);
    expect(error).toMatchObject({ code: 'WORKFLOW_CANCELLED' });
    expect((await handle.history()).at(-1)).toMatchObject({
      type: 'WorkflowCancelled',
      reason: 'changed plans',
    });
  });

  it('recovers from a crash at every commit to the same cancellation', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(scenario);
    const root = recording.runs.find((r) => r.summary.workflowId === 'cancel-1');
    expect(root?.history.at(-1)).toMatchObject({
      type: 'WorkflowCancelled',
      reason: 'changed plans',
    });
    expect(recording.steps.map((s) => s.answer)).toEqual([
      { value: undefined },
      { value: undefined },
    ]);
  });

  it('runs the compensation of a run recovered right after its cancellation request', async () => {
    const data = createMemoryStoreData();
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    let dead = false;
    // The process dies once the request is durable: nothing later reaches the store.
    const dieAfterRequest = (appends: readonly RunAppend[]): void => {
      if (dead) throw new Error('the process is dead');
      if (appends.some((a) => a.events.some((e) => e.type === 'WorkflowCancelRequested'))) {
        dead = true;
      }
    };
    const options = { clock, workflows: [compensating], activities: [slowUndo] };
    const first = await openOnTables(data, options, dieAfterRequest);
    const handle = await first.start(compensating, null, { workflowId: 's' });
    await waitUntil(async () => (await handle.describe()).pendingTimers === 1);
    await handle.cancel('changed plans');
    await first.close().catch(() => undefined);
    // The store holds the request (and maybe the compensation's
    // ActivityScheduled, recorded with it), not the compensation's result.
    const stored = typesOf(await readHistory(data, 's'));
    expect(stored.slice(0, 3)).toEqual([
      'WorkflowStarted',
      'TimerStarted',
      'WorkflowCancelRequested',
    ]);
    expect(stored).not.toContain('ActivityCompleted');

    const second = await openOnTables(data, options);
    try {
      const recovered = await second.getHandle('s');
      await expect(recovered.result()).rejects.toMatchObject({ code: 'WORKFLOW_CANCELLED' });
      const types = typesOf(await recovered.history());
      expect(types.slice(0, stored.length)).toEqual(stored);
      expect(types.slice(3)).toEqual([
        'ActivityScheduled',
        'ActivityCompleted',
        'TimerCancelled',
        'WorkflowCancelled',
      ]);
    } finally {
      await second.close();
    }
  });
});
