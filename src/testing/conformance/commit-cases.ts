import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../core/index.js';
import type { EventStore } from '../../store/index.js';
import { expectRejection } from './assertions.js';
import { expectConsistent } from './consistency.js';
import type { ConformanceContext } from './context.js';
import { appendOf, runWriter, startedBody } from './event-fixtures.js';

const A = { workflowId: 'wf-a', runId: 'run-a' };
const B = { workflowId: 'wf-b', runId: 'run-b' };
const signal = (payload: unknown): EventBody => ({ type: 'SignalReceived', name: 's', payload });

/** Sequence checks, concurrency and atomic multi-run commits. */
export function defineCommitCases<S extends EventStore>(ctx: ConformanceContext<S>): void {
  describe('commits', () => {
    it('rejects a wrong expected seq with SEQUENCE_CONFLICT and changes nothing', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(startedBody(), signal(1));
      for (const expectedSeq of [0, 1, 3, 10]) {
        const error = await expectRejection(
          store.commit([appendOf(A, expectedSeq, [expectedSeq === 0 ? startedBody() : signal(2)])]),
          'SEQUENCE_CONFLICT',
        );
        expect(error.details).toMatchObject({ ...A, expectedSeq, actualSeq: 2 });
      }
      await expectRejection(store.commit([appendOf(B, 1, [signal(1)])]), 'SEQUENCE_CONFLICT');
      await expectConsistent(store, [run]);
    });

    it('lets exactly one of two concurrent commits naming the same head succeed', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(startedBody());
      const results = await Promise.allSettled([
        store.commit([appendOf(A, 1, [signal('first')])]),
        store.commit([appendOf(A, 1, [signal('second')])]),
      ]);
      expect(results.map((r) => r.status).sort()).toStrictEqual(['fulfilled', 'rejected']);
      const rejected = results.find((r) => r.status === 'rejected');
      expect((rejected?.reason as { code?: string }).code).toBe('SEQUENCE_CONFLICT');
      const winner = results[0]?.status === 'fulfilled' ? 'first' : 'second';
      const history = await store.readHistory(A.workflowId, A.runId);
      expect(history.map((e) => (e.type === 'SignalReceived' ? e.payload : e.type))).toStrictEqual([
        'WorkflowStarted',
        winner,
      ]);
    });

    it('lets exactly one of two concurrent starts of the same run succeed', async () => {
      const store = await ctx.open();
      const results = await Promise.allSettled([
        store.commit([appendOf(A, 0, [startedBody('one')])]),
        store.commit([appendOf(A, 0, [startedBody('two')])]),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect((await store.readHistory(A.workflowId, A.runId)).length).toBe(1);
    });

    it('accepts a commit that names the head of a commit not yet acknowledged', async () => {
      const store = await ctx.open();
      const first = store.commit([appendOf(A, 0, [startedBody()])]);
      const second = store.commit([appendOf(A, 1, [signal(1)])]);
      const third = store.commit([appendOf(A, 2, [signal(2)])]);
      const [r1, r2, r3] = await Promise.all([first, second, third]);
      expect([r1, r2, r3].map((r) => r.summaries[0]?.historyLength)).toStrictEqual([1, 2, 3]);
      expect(await store.readHistory(A.workflowId, A.runId)).toHaveLength(3);
    });

    it('writes nothing for any run when one run of a commit conflicts', async () => {
      const store = await ctx.open();
      const a = runWriter(store, A);
      const b = runWriter(store, B);
      await a.append(startedBody());
      await b.append(startedBody(), signal(1));
      await expectRejection(
        store.commit([appendOf(A, 1, [signal('a')]), appendOf(B, 1, [signal('b')])]),
        'SEQUENCE_CONFLICT',
      );
      const C = { workflowId: 'wf-c', runId: 'run-c' };
      await expectRejection(
        store.commit([appendOf(C, 0, [startedBody()]), appendOf(B, 5, [signal('b')])]),
        'SEQUENCE_CONFLICT',
      );
      expect(await store.getLatestRunId(C.workflowId)).toBeUndefined();
      await expectConsistent(store, [a, b, { ref: C, events: [] }]);
    });

    it('commits several runs atomically and returns their summaries in request order', async () => {
      const store = await ctx.open();
      const parent = runWriter(store, A);
      await parent.append(startedBody('parent'));
      const child = appendOf(B, 0, [startedBody('child', { parent: A })]);
      const record = appendOf(A, 1, [
        {
          type: 'ChildWorkflowStarted',
          childOrdinal: 1,
          childWorkflowId: B.workflowId,
          childRunId: B.runId,
          workflowType: 'child',
          input: 1,
          parentClosePolicy: 'terminate',
        },
      ]);
      const { summaries } = await store.commit([record, child]);
      expect(summaries.map((s) => [s.runId, s.historyLength])).toStrictEqual([
        [A.runId, 2],
        [B.runId, 1],
      ]);
      expect(summaries[1]?.parent).toStrictEqual(A);
      await expectConsistent(store, [
        { ref: A, events: [...parent.events, ...record.events] },
        { ref: B, events: child.events },
      ]);
    });

    it('continues as new: ends one run and starts the next in one commit', async () => {
      const store = await ctx.open();
      const first = runWriter(store, A);
      await first.append(startedBody());
      const next = { workflowId: A.workflowId, runId: 'run-a2' };
      const end = appendOf(A, 1, [
        { type: 'WorkflowContinuedAsNew', input: 2, nextRunId: next.runId },
      ]);
      const start = appendOf(next, 0, [startedBody('order', { previousRunId: A.runId })]);
      await store.commit([end, start]);
      expect(await store.getLatestRunId(A.workflowId)).toBe(next.runId);
      const closed = await store.getRun(A.workflowId, A.runId);
      expect(closed).toMatchObject({ status: 'continuedAsNew', nextRunId: next.runId });
      expect(await store.getRun(next.workflowId, next.runId)).toMatchObject({
        previousRunId: A.runId,
      });
      await expectConsistent(store, [
        { ref: A, events: [...first.events, ...end.events] },
        { ref: next, events: start.events },
      ]);
    });

    it('acknowledges many concurrent commits across runs, each durable and in order', async () => {
      const store = await ctx.open();
      const runs = Array.from({ length: 40 }, (_, i) =>
        runWriter(store, { workflowId: `wf-${i}`, runId: `r-${i}` }),
      );
      await Promise.all(
        runs.map(async (run, i) => {
          await run.append(startedBody());
          for (let n = 0; n < 5; n++) await run.append(signal(i * 10 + n));
        }),
      );
      await expectConsistent(store, runs);
    });
  });
}
