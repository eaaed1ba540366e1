import { describe, expect, it } from 'vitest';
import type { EventBody, HistoryEvent } from '../../core/index.js';
import type { EventStore, RunAppend } from '../../store/index.js';
import { expectRejection } from './assertions.js';
import type { ConformanceContext } from './context.js';
import {
  appendOf,
  eventOf,
  everyNonTerminalBody,
  everyTerminalBody,
  runWriter,
  startedBody,
} from './event-fixtures.js';

const A = { workflowId: 'wf-a', runId: 'run-a' };

async function expectUnchanged(store: EventStore, before: readonly HistoryEvent[]): Promise<void> {
  expect(await store.readHistory(A.workflowId, A.runId)).toStrictEqual(before);
  expect((await store.getRun(A.workflowId, A.runId))?.historyLength ?? 0).toBe(before.length);
}

/** Round trips, range reads and malformed appends. */
export function defineHistoryCases<S extends EventStore>(ctx: ConformanceContext<S>): void {
  describe('history', () => {
    it('round-trips every event type, payloads included', async () => {
      const store = await ctx.open();
      const terminals = everyTerminalBody();
      for (const [i, terminal] of terminals.entries()) {
        const run = runWriter(store, { workflowId: `wf-${i}`, runId: `run-${i}` });
        const parent = { workflowId: 'parent', runId: 'parent-run' };
        await run.append(
          startedBody('order', { parent, previousRunId: 'prev', executionTimeoutAt: 9 }),
        );
        if (i === 0) await run.append(...everyNonTerminalBody());
        await run.append(terminal);
        expect(await store.readHistory(run.ref.workflowId, run.ref.runId)).toStrictEqual(
          run.events,
        );
      }
    });

    it('reads ranges: from the start, the middle, the head, past the head', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(startedBody());
      for (let i = 1; i < 10; i++)
        await run.append({ type: 'SignalReceived', name: 's', payload: i });
      const all = run.events;
      expect(await store.readHistory(A.workflowId, A.runId)).toStrictEqual(all);
      expect(await store.readHistory(A.workflowId, A.runId, 1)).toStrictEqual(all);
      expect(await store.readHistory(A.workflowId, A.runId, 4, 6)).toStrictEqual(all.slice(3, 6));
      expect(await store.readHistory(A.workflowId, A.runId, 10)).toStrictEqual(all.slice(9));
      expect(await store.readHistory(A.workflowId, A.runId, 11)).toStrictEqual([]);
      expect(await store.readHistory(A.workflowId, A.runId, 7, 3)).toStrictEqual([]);
      expect(await store.readHistory(A.workflowId, A.runId, 8, 100)).toStrictEqual(all.slice(7));
    });

    it('reads nothing for an unknown run, including a run id that prefixes a known one', async () => {
      const store = await ctx.open();
      await runWriter(store, A).append(startedBody());
      expect(await store.readHistory(A.workflowId, 'other')).toStrictEqual([]);
      expect(await store.readHistory(A.workflowId, 'run')).toStrictEqual([]);
      expect(await store.readHistory('wf', A.runId)).toStrictEqual([]);
      expect(await store.getRun(A.workflowId, 'run')).toBeUndefined();
    });

    it('keeps what it stored apart from the caller’s objects', async () => {
      const store = await ctx.open();
      const body = startedBody('order', { input: { list: [1, 2] } });
      const append = appendOf(A, 0, [body]);
      await store.commit([append]);
      const expected = await store.readHistory(A.workflowId, A.runId);
      (append.events[0] as { input: { list: number[] } }).input.list.push(3);
      const read = await store.readHistory(A.workflowId, A.runId);
      expect(read).toStrictEqual(expected);
      (read[0] as unknown as { input: { list: number[] } }).input.list.push(4);
      expect(await store.readHistory(A.workflowId, A.runId)).toStrictEqual(expected);
    });

    const started = startedBody();
    const signal: EventBody = { type: 'SignalReceived', name: 's', payload: 1 };
    const malformed: Array<[string, (head: number) => RunAppend[]]> = [
      ['no appends', () => []],
      ['an append without events', (h) => [{ ...A, expectedSeq: h, events: [] }]],
      [
        'seqs that do not follow expectedSeq',
        (h) => [{ ...A, expectedSeq: h, events: [eventOf(A, h + 2, signal)] }],
      ],
      [
        'seqs that are not contiguous',
        (h) => [
          { ...A, expectedSeq: h, events: [eventOf(A, h + 1, signal), eventOf(A, h + 3, signal)] },
        ],
      ],
      [
        'an event naming another run',
        (h) => [{ ...A, expectedSeq: h, events: [eventOf({ ...A, runId: 'x' }, h + 1, signal)] }],
      ],
      ['the same run twice', (h) => [appendOf(A, h, [signal]), appendOf(A, h + 1, [signal])]],
      ['a second WorkflowStarted', (h) => [appendOf(A, h, [started])]],
      [
        'an unknown event type',
        (h) => [appendOf(A, h, [{ type: 'Nope' } as unknown as EventBody])],
      ],
      [
        'a workflow id with a control character',
        (h) => [appendOf({ ...A, workflowId: 'a\u0000b' }, h, [signal])],
      ],
      [
        'a timer without an integer fireAt',
        (h) => [
          appendOf(A, h, [
            { type: 'TimerStarted', timerId: 't', fireAt: 1.5, kind: 'sleep', durationMs: 1 },
          ]),
        ],
      ],
    ];
    for (const [what, build] of malformed) {
      it(`rejects ${what} with INVALID_ARGUMENT and writes nothing`, async () => {
        const store = await ctx.open();
        const run = runWriter(store, A);
        await run.append(started, signal);
        await expectRejection(store.commit(build(run.head)), 'INVALID_ARGUMENT');
        await expectUnchanged(store, run.events);
      });
    }

    it('rejects a new run that does not begin with WorkflowStarted', async () => {
      const store = await ctx.open();
      await expectRejection(store.commit([appendOf(A, 0, [signal])]), 'INVALID_ARGUMENT');
      await expectUnchanged(store, []);
      expect(await store.getLatestRunId(A.workflowId)).toBeUndefined();
    });

    it('rejects an append after the terminal event with WORKFLOW_NOT_RUNNING', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(started, { type: 'WorkflowCompleted', result: 1 });
      await expectRejection(
        store.commit([appendOf(A, run.head, [signal])]),
        'WORKFLOW_NOT_RUNNING',
      );
      await expectUnchanged(store, run.events);
    });

    it('rejects a payload it cannot encode with PAYLOAD_NOT_SERIALIZABLE and writes nothing', async () => {
      const store = await ctx.open();
      const run = runWriter(store, A);
      await run.append(started);
      const bad: EventBody = { type: 'SignalReceived', name: 's', payload: { s: Symbol('x') } };
      await expectRejection(
        store.commit([appendOf(A, run.head, [bad])]),
        'PAYLOAD_NOT_SERIALIZABLE',
      );
      await expectUnchanged(store, run.events);
    });
  });
}
