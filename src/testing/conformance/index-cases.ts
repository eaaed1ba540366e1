import { describe, expect, it } from 'vitest';
import type { EventBody, RunRef } from '../../core/index.js';
import type { EventStore } from '../../store/index.js';
import { expectRejection } from './assertions.js';
import { expectConsistent } from './consistency.js';
import type { ConformanceContext } from './context.js';
import { ACTIVITY_OPTIONS, BASE_TIME, runWriter, startedBody } from './event-fixtures.js';

const A = { workflowId: 'wf-a', runId: 'run-a' };
const scheduled = (activityId: number): EventBody => ({
  type: 'ActivityScheduled',
  activityId,
  activityType: 'work',
  input: null,
  options: ACTIVITY_OPTIONS,
});
const failed = (activityId: number, retryable: boolean, nextAttemptAt?: number): EventBody => ({
  type: 'ActivityFailed',
  activityId,
  attempt: 1,
  error: { name: 'Error', message: 'x' },
  retryable,
  ...(nextAttemptAt === undefined ? {} : { nextAttemptAt }),
});
const timer = (timerId: string, fireAt: number): EventBody => ({
  type: 'TimerStarted',
  timerId,
  fireAt,
  kind: 'sleep',
  durationMs: 1,
});
const entry = (ref: RunRef, timerId: string, fireAt: number) => ({ fireAt, ...ref, timerId });

/** Summaries, latest run, non-terminal runs and due timers. */
export function defineIndexCases<S extends EventStore>(ctx: ConformanceContext<S>): void {
  describe('indexes', () => {
    it('projects pending activities, pending timers and the last event type', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      const pending = async (): Promise<unknown> => {
        const s = await store.getRun(A.workflowId, A.runId);
        return [s?.pendingActivities, s?.pendingTimers, s?.lastEventType, s?.historyLength];
      };
      await run.append(startedBody(), scheduled(1), scheduled(2), scheduled(3));
      expect(await pending()).toStrictEqual([3, 0, 'ActivityScheduled', 4]);
      await run.append(failed(1, true, BASE_TIME + 10));
      expect(await pending()).toStrictEqual([3, 0, 'ActivityFailed', 5]);
      await run.append(failed(1, true));
      expect(await pending()).toStrictEqual([2, 0, 'ActivityFailed', 6]);
      await run.append(failed(2, false), { type: 'ActivityCancelled', activityId: 3 });
      expect(await pending()).toStrictEqual([0, 0, 'ActivityCancelled', 8]);
      await run.append(timer('t1', BASE_TIME + 5), timer('t2', BASE_TIME + 6));
      expect(await pending()).toStrictEqual([0, 2, 'TimerStarted', 10]);
      await run.append({ type: 'TimerFired', timerId: 't1', fireAt: BASE_TIME + 5 });
      await run.append({ type: 'TimerCancelled', timerId: 't2', fireAt: BASE_TIME + 6 });
      expect(await pending()).toStrictEqual([0, 0, 'TimerCancelled', 12]);
      await expectConsistent(store, [run]);
    });

    it('moves an ended run out of the non-terminal index and into its status listing', async () => {
      const store = await ctx.open();
      const a = runWriter(store, A);
      const b = runWriter(store, { workflowId: 'wf-b', runId: 'run-b' });
      await a.append(startedBody());
      await b.append(startedBody());
      expect((await store.listNonTerminal()).map((s) => s.runId).sort()).toStrictEqual([
        'run-a',
        'run-b',
      ]);
      await a.appendAt(BASE_TIME + 500, {
        type: 'WorkflowFailed',
        error: { name: 'E', message: 'm' },
      });
      expect((await store.listNonTerminal()).map((s) => s.runId)).toStrictEqual(['run-b']);
      expect(await store.getRun(A.workflowId, A.runId)).toMatchObject({
        status: 'failed',
        closedAt: BASE_TIME + 500,
      });
      expect((await store.listRuns({ status: 'failed' })).items.map((s) => s.runId)).toStrictEqual([
        'run-a',
      ]);
      expect((await store.listRuns({ status: 'running' })).items.map((s) => s.runId)).toStrictEqual(
        ['run-b'],
      );
      await expectConsistent(store, [a, b]);
    });

    it('points latest at the newest started run of a workflow id', async () => {
      const store = await ctx.open();
      expect(await store.getLatestRunId(A.workflowId)).toBeUndefined();
      const first = runWriter(store, A);
      await first.append(startedBody(), { type: 'WorkflowTerminated', reason: 'r' });
      const second = runWriter(store, { workflowId: A.workflowId, runId: 'run-a2' });
      await second.append(startedBody());
      expect(await store.getLatestRunId(A.workflowId)).toBe('run-a2');
      await second.append({ type: 'WorkflowCompleted', result: null });
      expect(await store.getLatestRunId(A.workflowId)).toBe('run-a2');
      await expectConsistent(store, [first, second]);
    });

    it('returns due timers up to and including upTo, by fireAt then ids', async () => {
      const store = await ctx.open();
      const r1 = { workflowId: 'wf-a', runId: 'r1' };
      const r2 = { workflowId: 'wf-b', runId: 'r1' };
      const w1 = runWriter(store, r1);
      const w2 = runWriter(store, r2);
      await w2.append(startedBody(), timer('t1', 100));
      await w1.append(
        startedBody(),
        timer('t2', 100),
        timer('t1', 100),
        timer('t3', 200),
        timer('t4', 300),
      );
      expect(await store.dueTimers(99)).toStrictEqual([]);
      const at100 = [entry(r1, 't1', 100), entry(r1, 't2', 100), entry(r2, 't1', 100)];
      expect(await store.dueTimers(100)).toStrictEqual(at100);
      expect(await store.dueTimers(199.9)).toStrictEqual(at100);
      expect(await store.dueTimers(200)).toStrictEqual([...at100, entry(r1, 't3', 200)]);
      expect(await store.dueTimers(10_000, 2)).toStrictEqual(at100.slice(0, 2));
      expect(await store.nextTimers(1)).toStrictEqual(at100.slice(0, 1));
      expect(await store.nextTimers(100)).toHaveLength(5);
      await w1.append({ type: 'TimerFired', timerId: 't1', fireAt: 100 });
      await w2.append({ type: 'TimerCancelled', timerId: 't1', fireAt: 100 });
      expect(await store.dueTimers(200)).toStrictEqual([
        entry(r1, 't2', 100),
        entry(r1, 't3', 200),
      ]);
      await expectConsistent(store, [w2, w1]);
      await expectRejection(store.nextTimers(0), 'INVALID_ARGUMENT');
    });

    it('drops the entries of timers cancelled in the commit that ends the run', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(startedBody(), timer('t', 50));
      expect(await store.dueTimers(50)).toStrictEqual([entry(A, 't', 50)]);
      await run.append(
        { type: 'TimerCancelled', timerId: 't', fireAt: 50 },
        { type: 'WorkflowCancelled', reason: 'user' },
      );
      expect(await store.dueTimers(50)).toStrictEqual([]);
      expect(await store.listNonTerminal()).toStrictEqual([]);
      await expectConsistent(store, [run]);
    });
  });
}
