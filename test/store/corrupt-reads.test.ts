import { afterEach, describe, expect, it } from 'vitest';
import { encode } from '../../src/core/index.js';
import type { EventBody, StoreError } from '../../src/core/index.js';
import {
  LevelStore,
  MemoryStore,
  historyKey,
  listingKey,
  runKey,
  timerKey,
} from '../../src/store/index.js';
import type { EventStore } from '../../src/store/index.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { BASE_TIME, appendOf, startedBody } from '../../src/testing/conformance/event-fixtures.js';
import { removeTempDirs, tempDir, withRawDb } from './level-helpers.js';

afterEach(removeTempDirs);

const sleep = (timerId: string, fireAt: number): EventBody => ({
  type: 'TimerStarted',
  timerId,
  fireAt,
  kind: 'sleep',
  durationMs: fireAt - BASE_TIME,
});

/** Three sleeping runs `a`, `b`, `c` (run `r`), each with one timer. */
async function seed(store: EventStore): Promise<void> {
  for (const [i, id] of ['a', 'b', 'c'].entries()) {
    await store.commit([
      appendOf(
        { workflowId: id, runId: 'r' },
        0,
        [startedBody('sleeper'), sleep('t', BASE_TIME + 10 * (i + 1))],
        BASE_TIME + i,
      ),
    ]);
  }
}

function collector(): { errors: StoreError[]; listen: (error: StoreError) => void } {
  const errors: StoreError[] = [];
  return { errors, listen: (error) => errors.push(error) };
}

describe('reads over damaged records', () => {
  it('reports a damaged history key and a gap in the seqs as STORE_CORRUPT of the run', async () => {
    const store = await LevelStore.open(await tempDir());
    await seed(store);
    await store.commit([
      appendOf({ workflowId: 'b', runId: 'r' }, 2, [
        { type: 'SignalReceived', name: 's', payload: 1 },
      ]),
    ]);
    await store.close();
    await withRawDb(store.location, async (db) => {
      // b's last event moves under a key whose seq part is damaged; c's last is deleted.
      const key = '!history!' + historyKey('b', 'r', 3);
      const value = await db.get(key);
      await db.del(key);
      await db.put(key.slice(0, -2) + 'x3', value);
      await db.del('!history!' + historyKey('c', 'r', 2));
    });
    const reopened = await LevelStore.open(store.location);
    const damaged = await expectRejection(reopened.readHistory('b', 'r'), 'STORE_CORRUPT');
    expect(damaged.details).toMatchObject({
      key: 'history/b/r/00000000x3',
      workflowId: 'b',
      runId: 'r',
    });
    expect(damaged.message).toContain('not a history key of this run');
    // c's history stops at seq 1: a tail cannot be told from the end here.
    expect(await reopened.readHistory('c', 'r')).toHaveLength(1);
    expect(await reopened.readHistory('a', 'r')).toHaveLength(2);
    await reopened.close();
    await withRawDb(store.location, async (db) => {
      await db.del('!history!' + historyKey('a', 'r', 1));
    });
    const again = await LevelStore.open(store.location);
    const gap = await expectRejection(again.readHistory('a', 'r'), 'STORE_CORRUPT');
    expect(gap.message).toContain('history gap: seq 1 is missing');
    await again.close();
  });

  it('refuses an event whose value decodes to the wrong shape', async () => {
    const store = new MemoryStore();
    await seed(store);
    // The timer's id field renamed, as one flipped byte in a record key does.
    const body = {
      type: 'TimerStarted',
      recordedAt: BASE_TIME,
      timerIe: 't',
      fireAt: 5,
      kind: 'sleep',
      durationMs: 1,
    };
    store.data.history.set(historyKey('a', 'r', 2), encode(body));
    const error = await expectRejection(store.readHistory('a', 'r'), 'STORE_CORRUPT');
    expect(error.message).toContain("field 'timerId' is missing or malformed");
    store.data.history.set(historyKey('a', 'r', 2), encode({ ...body, timerId: 't', seq: 9 }));
    await expectRejection(store.readHistory('a', 'r'), 'STORE_CORRUPT');
  });

  it('lists the other non-terminal runs past a damaged entry or summary, reporting each', async () => {
    const store = new MemoryStore();
    await seed(store);
    store.data.runs.set(runKey('b', 'r'), new Uint8Array([0x9e, 1]));
    store.data.indexes.nonTerminal.set('no-separator', '');
    store.data.indexes.nonTerminal.set(runKey('ghost', 'r'), '');
    await expectRejection(store.listNonTerminal(), 'STORE_CORRUPT');
    const { errors, listen } = collector();
    const runs = await store.listNonTerminal(listen);
    expect(runs.map((run) => run.workflowId)).toEqual(['a', 'c']);
    expect(errors.map((e) => [e.code, e.details?.key, e.details?.workflowId])).toEqual([
      ['STORE_CORRUPT', 'nonterminal/no-separator', undefined],
      ['STORE_CORRUPT', 'runs/b/r', 'b'],
      ['STORE_CORRUPT', 'nonterminal/ghost/r', 'ghost'],
    ]);
  });

  it('pages due timers past damaged keys without cutting a page short', async () => {
    const store = new MemoryStore();
    await seed(store);
    // Sorts between a's and b's entries; its fireAt part is damaged.
    const damaged = timerKey(BASE_TIME + 15, 'x', 'r', 't').replace(/^(\d{15})\d/, '$1?');
    store.data.indexes.timers.set(damaged, '');
    await expectRejection(store.dueTimers(BASE_TIME + 100), 'STORE_CORRUPT');
    const { errors, listen } = collector();
    const first = await store.dueTimers(BASE_TIME + 100, 2, undefined, listen);
    expect(first.map((t) => t.workflowId)).toEqual(['a', 'b']);
    const rest = await store.dueTimers(BASE_TIME + 100, 2, first[1], listen);
    expect(rest.map((t) => t.workflowId)).toEqual(['c']);
    expect((await store.nextTimers(2, listen)).map((t) => t.workflowId)).toEqual(['a', 'b']);
    expect(errors).toHaveLength(2);
    expect(errors[0]?.details).toMatchObject({ workflowId: 'x', runId: 'r' });
    expect(errors[0]?.details?.key).toMatch(/^timers\/\d{15}\?\/x\/r\/t$/);
  });

  it('lists runs past a damaged listing key, a dangling entry and an undecodable summary', async () => {
    const store = new MemoryStore();
    await seed(store);
    store.data.runs.set(runKey('b', 'r'), new Uint8Array([0xc1]));
    store.data.indexes.byStart.set(listingKey('', BASE_TIME + 5, 'ghost', 'r'), '');
    store.data.indexes.byStart.set('\u0000garbage', '');
    await expectRejection(store.listRuns(), 'STORE_CORRUPT');
    const { errors, listen } = collector();
    const page = await store.listRuns({ limit: 3 }, listen);
    // Newest first: the damaged key, ghost (dangling), c; then b (undecodable), a.
    expect(page.items.map((run) => run.workflowId)).toEqual(['c']);
    const next = await store.listRuns({ limit: 3, cursor: page.next as string }, listen);
    expect(next.items.map((run) => run.workflowId)).toEqual(['a']);
    expect(next.next).toBeUndefined();
    expect(errors.map((e) => e.details?.key)).toEqual([
      'by-start//garbage',
      `by-start//${String(BASE_TIME + 5).padStart(16, '0')}/ghost/r`,
      'runs/b/r',
    ]);
  });
});
