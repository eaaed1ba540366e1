import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../core/index.js';
import type { EventStore, ListFilter, RunSummary } from '../../store/index.js';
import { expectRejection } from './assertions.js';
import type { ConformanceContext } from './context.js';
import { BASE_TIME, runWriter, startedBody } from './event-fixtures.js';

const done: EventBody = { type: 'WorkflowCompleted', result: null };

/**
 * Twelve runs: types alternate `order` / `ship`, every third run completed,
 * started 10 ms apart except runs 6 and 7, which start at the same time.
 */
async function seed(store: EventStore): Promise<RunSummary[]> {
  const summaries: RunSummary[] = [];
  for (let i = 0; i < 12; i++) {
    const run = runWriter(store, {
      workflowId: `wf-${String(i).padStart(2, '0')}`,
      runId: `run-${i}`,
    });
    const startedAt = BASE_TIME + (i === 7 ? 60 : i * 10);
    let summary = await run.appendAt(startedAt, startedBody(i % 2 === 0 ? 'order' : 'ship'));
    if (i % 3 === 0) summary = await run.appendAt(startedAt + 1, done);
    summaries.push(summary);
  }
  return summaries;
}

/** Newest first; ties by workflow id then run id, descending. */
function newestFirst(a: RunSummary, b: RunSummary): number {
  if (a.startedAt !== b.startedAt) return b.startedAt - a.startedAt;
  const ka = `${a.workflowId}\u0000${a.runId}`;
  const kb = `${b.workflowId}\u0000${b.runId}`;
  return ka < kb ? 1 : ka > kb ? -1 : 0;
}

async function allPages(
  store: EventStore,
  filter: ListFilter,
  limit: number,
): Promise<RunSummary[]> {
  const items: RunSummary[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page++) {
    const result = await store.listRuns({
      ...filter,
      limit,
      ...(cursor === undefined ? {} : { cursor }),
    });
    expect(result.items.length).toBeLessThanOrEqual(limit);
    items.push(...result.items);
    if (result.next === undefined) return items;
    cursor = result.next;
  }
  throw new Error('listing did not end');
}

/** Listing by status, type and start time, with cursors. */
export function defineListingCases<S extends EventStore>(ctx: ConformanceContext<S>): void {
  describe('listing', () => {
    const filters: Array<[string, ListFilter, (s: RunSummary) => boolean]> = [
      ['no filter', {}, () => true],
      ['status', { status: 'completed' }, (s) => s.status === 'completed'],
      ['type', { workflowType: 'ship' }, (s) => s.workflowType === 'ship'],
      [
        'status and type',
        { status: 'running', workflowType: 'order' },
        (s) => s.status === 'running' && s.workflowType === 'order',
      ],
      [
        'startedAfter (inclusive)',
        { startedAfter: BASE_TIME + 50 },
        (s) => s.startedAt >= BASE_TIME + 50,
      ],
      [
        'startedBefore (exclusive)',
        { startedBefore: BASE_TIME + 50 },
        (s) => s.startedAt < BASE_TIME + 50,
      ],
      [
        'a start window and a status',
        { status: 'running', startedAfter: BASE_TIME + 20, startedBefore: BASE_TIME + 90 },
        (s) =>
          s.status === 'running' && s.startedAt >= BASE_TIME + 20 && s.startedAt < BASE_TIME + 90,
      ],
      ['an unknown type', { workflowType: 'none' }, () => false],
    ];
    for (const [what, filter, keep] of filters) {
      it(`lists by ${what}, newest first, and pages through it exactly once`, async () => {
        const store = await ctx.open();
        const expected = (await seed(store)).filter(keep).sort(newestFirst);
        const single = await store.listRuns({ ...filter, limit: 100 });
        expect(single.items).toStrictEqual(expected);
        expect(single.next).toBeUndefined();
        for (const limit of [1, 3, 5])
          expect(await allPages(store, filter, limit)).toStrictEqual(expected);
      });
    }

    it('defaults to pages of 100 runs', async () => {
      const store = await ctx.open();
      for (let i = 0; i < 101; i++) {
        await runWriter(store, { workflowId: `w${i}`, runId: 'r' }).append(startedBody());
      }
      const first = await store.listRuns();
      expect(first.items).toHaveLength(100);
      expect(first.next).toBeDefined();
      expect((await store.listRuns({ cursor: first.next as string })).items).toHaveLength(1);
    });

    it('rejects malformed filters and foreign cursors with INVALID_ARGUMENT', async () => {
      const store = await ctx.open();
      await seed(store);
      const page = await store.listRuns({ status: 'running', limit: 2 });
      expect(page.next).toBeDefined();
      await expectRejection(store.listRuns({ cursor: 'not a cursor' }), 'INVALID_ARGUMENT');
      await expectRejection(
        store.listRuns({ status: 'completed', cursor: page.next as string }),
        'INVALID_ARGUMENT',
      );
      await expectRejection(store.listRuns({ limit: 0 }), 'INVALID_ARGUMENT');
      await expectRejection(store.listRuns({ status: 'sleeping' as never }), 'INVALID_ARGUMENT');
    });
  });
}
