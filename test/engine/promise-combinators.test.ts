import { describe, expect, it } from 'vitest';
import {
  Engine,
  LevelStore,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { replayHistory } from '../../src/testing/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';

const tempDir = useTempDirs('combinators');

/** Activities that finish only when the test releases them, in the order it chooses. */
function gatedActivities() {
  const waiting = new Map<string, () => void>();
  const calls: string[] = [];
  let open = false;
  const gated = defineActivity('gated', async (key: string) => {
    calls.push(key);
    if (!open) await new Promise<void>((resolve) => waiting.set(key, resolve));
    return `done ${key}`;
  });
  return {
    gated,
    calls,
    release(key: string): void {
      const resolve = waiting.get(key);
      if (resolve === undefined) throw new Error(`${key} is not waiting`);
      waiting.delete(key);
      resolve();
    },
    isWaiting: (key: string) => waiting.has(key),
    /** From now on every attempt finishes at once. */
    openAll(): void {
      open = true;
      for (const resolve of waiting.values()) resolve();
      waiting.clear();
    },
  };
}

function combinatorWorkflow(gated: ReturnType<typeof gatedActivities>['gated']) {
  return defineWorkflow('combinators', async (ctx, _input: null) => {
    const winner = await Promise.race([ctx.activity(gated, 'a'), ctx.activity(gated, 'b')]);
    const order: string[] = [];
    const both = await Promise.all(
      ['c', 'd'].map((key) =>
        ctx.activity(gated, key).then((value) => {
          order.push(key);
          return value;
        }),
      ),
    );
    await ctx.sleep('1m');
    return { winner, both, order };
  });
}

const typesOf = (history: readonly HistoryEvent[]): string[] =>
  history.map((e) => ('activityId' in e ? `${e.type}#${e.activityId}` : e.type));

describe('Promise.all and Promise.race over activities', () => {
  it('replay to the outcome of the original run after a reopen mid-run', async () => {
    const dir = await tempDir();
    const gates = gatedActivities();
    const workflow = combinatorWorkflow(gates.gated);
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    const options = { store: dir, workflows: [workflow], activities: [gates.gated], clock };

    const first = await Engine.open(options);
    const handle = await first.start(workflow, null, { workflowId: 'combinators-1' });
    await waitUntil(() => gates.isWaiting('a') && gates.isWaiting('b'), { what: 'a and b' });
    // b was scheduled second but finishes first: it wins the race.
    gates.release('b');
    await waitUntil(() => gates.isWaiting('c') && gates.isWaiting('d'), { what: 'c and d' });
    // d finishes before c: Promise.all keeps positions, the callbacks see d first.
    gates.release('d');
    gates.release('c');
    await waitUntil(async () => (await handle.history()).some((e) => e.type === 'TimerStarted'), {
      what: 'the sleep',
    });
    // a is still in flight when the engine goes away.
    expect(gates.isWaiting('a')).toBe(true);
    await first.close();
    const cut = await (async () => {
      const store = await LevelStore.open(dir);
      try {
        return await store.readHistory('combinators-1', handle.runId);
      } finally {
        await store.close();
      }
    })();
    expect(typesOf(cut)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled#1',
      'ActivityScheduled#2',
      'ActivityCompleted#2',
      'ActivityScheduled#3',
      'ActivityScheduled#4',
      'ActivityCompleted#4',
      'ActivityCompleted#3',
      'TimerStarted',
    ]);

    gates.openAll();
    gates.calls.length = 0;
    const second = await Engine.open(options);
    try {
      const reopened = await second.getHandle('combinators-1');
      // The in-flight race loser runs again; the settled activities do not.
      await waitUntil(
        async () =>
          (await reopened.history()).some(
            (e) => e.type === 'ActivityCompleted' && e.activityId === 1,
          ),
        { what: 'activity #1 to complete again' },
      );
      expect(gates.calls).toEqual(['a']);
      clock.advance(60_000);
      const result = await reopened.result();
      expect(result).toEqual({
        winner: 'done b',
        both: ['done c', 'done d'],
        order: ['d', 'c'],
      });
      const history = await reopened.history();
      expect(history.slice(0, cut.length)).toEqual(cut);
      const replay = await replayHistory(workflow, history);
      expect(replay).toEqual({ ok: true, outcome: { type: 'completed', result } });
    } finally {
      await second.close();
    }
  });

  it('resolve a race with the completion recorded first, not the command issued first', async () => {
    const gates = gatedActivities();
    const workflow = combinatorWorkflow(gates.gated);
    const clock = virtualClock(0);
    const engine = await Engine.open({
      store: await tempDir(),
      workflows: [workflow],
      activities: [gates.gated],
      clock,
    });
    try {
      const handle = await engine.start(workflow, null, { workflowId: 'race-order' });
      await waitUntil(() => gates.isWaiting('a') && gates.isWaiting('b'), { what: 'a and b' });
      gates.release('a');
      gates.release('b');
      await waitUntil(() => gates.isWaiting('c') && gates.isWaiting('d'), { what: 'c and d' });
      gates.release('c');
      gates.release('d');
      await waitUntil(async () => (await handle.history()).some((e) => e.type === 'TimerStarted'), {
        what: 'the sleep',
      });
      clock.advance(60_000);
      const result = await handle.result();
      expect(result).toEqual({ winner: 'done a', both: ['done c', 'done d'], order: ['c', 'd'] });

      // Swap the two race completions in the recorded history: replay must now
      // let b win, because completions are delivered in history order.
      const history = await handle.history();
      const ia = history.findIndex((e) => e.type === 'ActivityCompleted' && e.activityId === 1);
      const ib = history.findIndex((e) => e.type === 'ActivityCompleted' && e.activityId === 2);
      expect(ia).toBeGreaterThan(0);
      expect(ib).toBeGreaterThan(0);
      const swapped = [...history];
      swapped[ia] = { ...history[ib]!, seq: history[ia]!.seq };
      swapped[ib] = { ...history[ia]!, seq: history[ib]!.seq };
      const withoutTerminal = swapped.slice(0, -1);
      const replay = await replayHistory(workflow, withoutTerminal);
      expect(replay).toEqual({
        ok: true,
        outcome: { type: 'completed', result: { ...result, winner: 'done b' } },
      });
    } finally {
      await engine.close();
    }
  });
});
