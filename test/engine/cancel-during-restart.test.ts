import { afterEach, describe, expect, it } from 'vitest';
import {
  CancelledError,
  Engine,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type { HistoryEvent, TreeNode, VirtualClock } from '../../src/index.js';
import { MemoryStore } from '../../src/testing/index.js';
import { waitUntil } from '../helpers/wait-until.js';

/**
 * Regression (simulator seed 4, 60 steps): a cancellation recorded while a
 * run was being restarted after a crash was applied to the activities of
 * the ledger as it stood then, not to those the code awaited when the
 * cancellation reached it. Recorded during the restart's loading, it
 * cancelled every activity once the run was running again, the
 * compensation the code had scheduled after the cancellation included:
 * nothing told the code, and the run waited forever. Recorded during the
 * restart backoff, it cancelled nothing, and the activity whose await the
 * cancellation had rejected ran on.
 */

let crashes = 0;
let aborted: string[] = [];

/** Runs until its attempt is aborted. */
const hang = defineActivity('hang', (label: string, actx) => {
  return new Promise<string>((_resolve, reject) => {
    actx.signal.addEventListener('abort', () => {
      aborted.push(label);
      reject(new Error(`${label} aborted`));
    });
  });
});

const undo = defineActivity('undo', async (label: string) => `undone ${label}`);

/**
 * Takes three signals (so that its replay takes a few turns), crashes on
 * its first execution, then awaits an activity; when cancelled, it
 * compensates and completes.
 */
const saga = defineWorkflow('saga', async (ctx, _input: null) => {
  for (let i = 0; i < 3; i++) await ctx.signal('step');
  if (crashes++ === 0) throw new Error('crash on the first execution');
  try {
    return await ctx.activity(hang, 'booking');
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
    return ctx.activity(undo, 'booking');
  }
});

let engine: Engine;
let clock: VirtualClock;
afterEach(async () => {
  await engine.close();
});

async function startAndCrash(): Promise<void> {
  crashes = 0;
  aborted = [];
  // Virtual time moved by hand: the run must be caught mid-restart.
  clock = virtualClock(0);
  engine = await Engine.open({
    store: new MemoryStore(),
    clock,
    workflows: [saga],
    activities: [hang, undo],
  });
  await engine.start(saga, null, { workflowId: 'saga-1' });
  for (let i = 0; i < 3; i++) await engine.signal('saga-1', 'step', i);
  // The restart backoff (100 ms) is the earliest deadline once armed.
  await waitUntil(() => crashes === 1 && (clock.nextDeadline() ?? Infinity) < 1_000, {
    what: 'the first crash and its restart backoff',
  });
}

async function ended(): Promise<HistoryEvent[]> {
  await waitUntil(async () => (await engine.describe('saga-1')).status !== 'running', {
    what: 'the run to end',
    timeoutMs: 2_000,
  });
  return engine.history('saga-1');
}

/** The history from the cancellation on, as `type:activityId`. */
const shape = (history: readonly HistoryEvent[]): string[] =>
  history.slice(4).map((e) => ('activityId' in e ? `${e.type}:${e.activityId}` : e.type));

/** The lifecycle phase of the resident run. */
function phase(): string | undefined {
  const pending: TreeNode[] = [engine.tree()];
  for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
    if (node.kind === 'run') return node.phase;
    pending.push(...node.children);
  }
  return undefined;
}

describe('cancellation while a run restarts', () => {
  it('recorded during the restart backoff, cancels the activity the code awaited', async () => {
    await startAndCrash();
    await engine.cancel('saga-1', 'customer left');
    clock.advance(60_000);
    const history = await ended();
    expect(shape(history)).toEqual([
      'WorkflowCancelRequested',
      'ActivityScheduled:1',
      'ActivityCancelled:1',
      'ActivityScheduled:2',
      'ActivityCompleted:2',
      'WorkflowCompleted',
    ]);
    expect(history.at(-1)).toMatchObject({ result: 'undone booking' });
  });

  it('recorded while the restart loads, leaves the compensation to run', async () => {
    await startAndCrash();
    clock.advanceTo(clock.nextDeadline() ?? 0);
    // The backoff fired: cancel while the restarted run replays its history.
    await waitUntil(() => phase() === 'loading', { what: 'the restart to load' });
    await engine.cancel('saga-1', 'customer left');
    const history = await ended();
    expect(shape(history)).toContain('ActivityCompleted:2');
    expect(shape(history)).not.toContain('ActivityCancelled:2');
    expect(history.at(-1)).toMatchObject({ type: 'WorkflowCompleted', result: 'undone booking' });
    expect(aborted).not.toContain('undo');
  });
});
