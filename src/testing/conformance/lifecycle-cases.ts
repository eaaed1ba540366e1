import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../core/index.js';
import type { EventStore } from '../../store/index.js';
import type { CorruptionTarget } from '../store-conformance.js';
import { expectRejection } from './assertions.js';
import { expectConsistent } from './consistency.js';
import type { ConformanceContext } from './context.js';
import type { RunWriter } from './event-fixtures.js';
import { appendOf, everyNonTerminalBody, runWriter, startedBody } from './event-fixtures.js';

const signal = (payload: unknown): EventBody => ({ type: 'SignalReceived', name: 's', payload });

/** A small store with every kind of index entry; returns its runs in start order. */
async function seed(store: EventStore): Promise<RunWriter[]> {
  const full = runWriter(store, { workflowId: 'wf-full', runId: 'r1' });
  await full.append(startedBody('order'), ...everyNonTerminalBody());
  const timed = runWriter(store, { workflowId: 'wf-timed', runId: 'r1' });
  await timed.append(startedBody('ship'), {
    type: 'TimerStarted',
    timerId: 't',
    fireAt: 77,
    kind: 'timer',
    durationMs: 7,
  });
  const ended = runWriter(store, { workflowId: 'wf-ended', runId: 'r1' });
  await ended.append(startedBody('ship'), { type: 'WorkflowTimedOut', reason: 'deadline' });
  const again = runWriter(store, { workflowId: 'wf-ended', runId: 'r2' });
  await again.append(startedBody('ship', { previousRunId: 'r1' }));
  return [full, timed, ended, again];
}

/** Close, reopen, corruption. */
export function defineLifecycleCases<S extends EventStore>(ctx: ConformanceContext<S>): void {
  describe('lifecycle', () => {
    it('rejects every call after close with ENGINE_CLOSED, and closes idempotently', async () => {
      const store = await ctx.open();
      await runWriter(store, { workflowId: 'w', runId: 'r' }).append(startedBody());
      await store.close();
      await store.close();
      const calls: Array<() => Promise<unknown>> = [
        () => store.commit([appendOf({ workflowId: 'w', runId: 'r' }, 1, [signal(1)])]),
        () => store.readHistory('w', 'r'),
        () => store.getRun('w', 'r'),
        () => store.getLatestRunId('w'),
        () => store.listNonTerminal(),
        () => store.dueTimers(0),
        () => store.nextTimers(1),
        () => store.listRuns(),
      ];
      for (const call of calls) await expectRejection(call(), 'ENGINE_CLOSED');
    });

    it('lets commits made before close finish', async () => {
      const store = await ctx.open();
      const ref = { workflowId: 'w', runId: 'r' };
      const pending = [
        store.commit([appendOf(ref, 0, [startedBody()])]),
        store.commit([appendOf(ref, 1, [signal(1)])]),
      ];
      await store.close();
      const results = await Promise.all(pending);
      expect(results.map((r) => r.summaries[0]?.historyLength)).toStrictEqual([1, 2]);
    });

    const reopen = ctx.reopen;
    if (reopen !== undefined) {
      it('keeps everything across close and reopen, and goes on from the stored heads', async () => {
        const store = await ctx.open();
        const runs = await seed(store);
        const before = await store.listRuns({ limit: 50 });
        const reopened = await reopen(store);
        await expectConsistent(reopened, runs);
        expect(await reopened.listRuns({ limit: 50 })).toStrictEqual(before);
        const [full] = runs as [RunWriter];
        const next = appendOf(full.ref, full.head, [signal('after reopen')]);
        await expectRejection(
          reopened.commit([appendOf(full.ref, full.head - 1, [signal(0)])]),
          'SEQUENCE_CONFLICT',
        );
        await reopened.commit([next]);
        expect(
          (await reopened.readHistory(full.ref.workflowId, full.ref.runId)).at(-1),
        ).toStrictEqual(next.events[0]);
      });

      it('lets one of two concurrent commits win on a run read back after reopening', async () => {
        const store = await ctx.open();
        const run = runWriter(store, { workflowId: 'w', runId: 'r' });
        await run.append(startedBody());
        const reopened = await reopen(store);
        const results = await Promise.allSettled([
          reopened.commit([appendOf(run.ref, 1, [signal('a')])]),
          reopened.commit([appendOf(run.ref, 1, [signal('b')])]),
        ]);
        expect(results.map((r) => r.status).sort()).toStrictEqual(['fulfilled', 'rejected']);
        expect(await reopened.readHistory('w', 'r')).toHaveLength(2);
      });
    }

    const corrupt = ctx.corrupt;
    if (corrupt !== undefined) {
      const expectNamed = (
        details: Record<string, unknown> | undefined,
        ...parts: string[]
      ): void => {
        expect(typeof details?.key).toBe('string');
        for (const part of parts) expect(details?.key).toContain(part);
      };

      it('reports an undecodable event as STORE_CORRUPT naming its key; other runs stay readable', async () => {
        const store = await ctx.open();
        const runs = await seed(store);
        const target: CorruptionTarget = {
          kind: 'event',
          workflowId: 'wf-full',
          runId: 'r1',
          seq: 3,
        };
        const damaged = await corrupt(store, target);
        const error = await expectRejection(damaged.readHistory('wf-full', 'r1'), 'STORE_CORRUPT');
        expectNamed(error.details, 'wf-full', 'r1', '3');
        expect(await damaged.readHistory('wf-full', 'r1', 1, 2)).toStrictEqual(
          runs[0]?.events.slice(0, 2),
        );
        for (const run of runs.slice(1)) {
          expect(await damaged.readHistory(run.ref.workflowId, run.ref.runId)).toStrictEqual(
            run.events,
          );
        }
        expect(await damaged.getRun('wf-full', 'r1')).toMatchObject({
          historyLength: runs[0]?.head,
        });
      });

      it('reports an undecodable run summary as STORE_CORRUPT naming its key; other runs go on', async () => {
        const store = await ctx.open();
        const runs = await seed(store);
        const damaged = await corrupt(store, {
          kind: 'summary',
          workflowId: 'wf-timed',
          runId: 'r1',
        });
        const error = await expectRejection(damaged.getRun('wf-timed', 'r1'), 'STORE_CORRUPT');
        expectNamed(error.details, 'wf-timed', 'r1');
        const timed = runs[1] as RunWriter;
        await expectRejection(
          damaged.commit([appendOf(timed.ref, timed.head, [signal(1)])]),
          'STORE_CORRUPT',
        );
        const again = runs[3] as RunWriter;
        await damaged.commit([appendOf(again.ref, again.head, [signal(1)])]);
        expect(await damaged.readHistory(timed.ref.workflowId, timed.ref.runId)).toStrictEqual(
          timed.events,
        );
        expect(await damaged.getRun(again.ref.workflowId, again.ref.runId)).toMatchObject({
          historyLength: 2,
        });
      });

      it('skips and reports a damaged summary to a corruption listener, naming its run', async () => {
        const store = await ctx.open();
        await seed(store);
        const damaged = await corrupt(store, {
          kind: 'summary',
          workflowId: 'wf-timed',
          runId: 'r1',
        });
        await expectRejection(damaged.listNonTerminal(), 'STORE_CORRUPT');
        const reported: Array<Record<string, unknown> | undefined> = [];
        const listen = (error: { readonly code: string; readonly details?: unknown }): void => {
          expect(error.code).toBe('STORE_CORRUPT');
          reported.push(error.details as Record<string, unknown> | undefined);
        };
        const running = await damaged.listNonTerminal(listen);
        expect(running.map((run) => run.workflowId).sort()).toStrictEqual(['wf-ended', 'wf-full']);
        expect(reported).toHaveLength(1);
        expect(reported[0]).toMatchObject({ workflowId: 'wf-timed', runId: 'r1' });
        // Listings leave it out and report it too; timers are unaffected.
        const page = await damaged.listRuns({}, listen);
        expect(page.items.map((run) => run.workflowId)).not.toContain('wf-timed');
        expect(page.items).toHaveLength(3);
        expect(reported).toHaveLength(2);
        expect(await damaged.dueTimers(100, undefined, undefined, listen)).toHaveLength(1);
      });
    }
  });
}
