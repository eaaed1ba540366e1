import { describe, expect, it } from 'vitest';
import { encode } from '../../src/core/index.js';
import { virtualClock } from '../../src/index.js';
import {
  LevelStore,
  MemoryStore,
  historyKey,
  listingKey,
  runKey,
  timerKey,
  verifyMemoryStore,
  verifyStore,
} from '../../src/store/index.js';
import type { StoreProblem } from '../../src/store/index.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import { TestEnvironment } from '../../src/testing/index.js';
import {
  ACTIVITIES,
  WORKFLOWS,
  dumpRecords,
  flipValueByte,
  keysOf,
  moveRecord,
  seedStore,
  sleeper,
  waiter,
  withRawDb,
} from '../helpers/corrupt-store.js';
import { useTempDirs } from '../helpers/temp-dirs.js';

const tempDir = useTempDirs('doctor');
const T0 = Date.UTC(2024, 0, 1);

const kindsAndKeys = (problems: readonly StoreProblem[]): string[] =>
  problems.map((p) => `${p.kind} ${p.key}`).sort();

describe('verifyStore', () => {
  it('finds nothing wrong in a store the engine wrote', async () => {
    const dir = await tempDir();
    await seedStore(dir, virtualClock(T0));
    const report = await verifyStore(dir);
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, problemCount: 0, affectedRuns: 0 });
    // greet-1, loop-1 (3 runs), parent-1 and its child, 4 sleepers, 2 waiters;
    // 4 + 8 + 4 + 4 + 4 x 2 + 2 x 1 events.
    expect(report.runs).toBe(12);
    expect(report.events).toBe(30);
    expect(report.records).toBeGreaterThan(report.events + report.runs);
  });

  it('finds nothing wrong in the tables of a TestEnvironment', async () => {
    const env = await TestEnvironment.create({ workflows: WORKFLOWS, activities: ACTIVITIES });
    await env.engine.start(sleeper, 5, { workflowId: 's' });
    await env.engine.start(waiter, null, { workflowId: 'w' });
    await env.idle();
    expect((await verifyMemoryStore(env.store.data)).problems).toEqual([]);
    await env.skip('5s');
    await env.engine.signal('w', 'go', 'now');
    await env.idle();
    const report = await verifyMemoryStore(env.store.data);
    expect(report.problems).toEqual([]);
    expect(report.runs).toBe(2);
    await env.close();
  });

  it('lists each damaged record with its run, and writes nothing', async () => {
    const dir = await tempDir();
    const { runIds } = await seedStore(dir, virtualClock(T0));
    const id = (workflowId: string): string => runIds.get(workflowId) as string;
    await withRawDb(dir, async (db) => {
      // 1. sleep-1: its TimerStarted (seq 2) has its type tag flipped.
      await flipValueByte(db, `!history!${historyKey('sleep-1', id('sleep-1'), 2)}`, 1);
      // 2. sleep-2: its summary is cut short.
      await db.put(`!runs!${runKey('sleep-2', id('sleep-2'))}`, new Uint8Array([0x9e, 1]));
      // 3. greet-1: its last event moves under a key with a damaged seq.
      const last = (await keysOf(db, 'history', 'greet-1')).at(-1) as string;
      await moveRecord(db, last, `${last.slice(0, -2)}x${last.slice(-1)}`);
      // 4. sleep-3: its timer entry's fireAt part is damaged.
      const [timer] = await keysOf(db, 'timers', 'sleep-3');
      await moveRecord(
        db,
        timer as string,
        `!timers!X${(timer as string).slice('!timers!'.length + 1)}`,
      );
      // 5. a listing entry of a run that does not exist.
      await db.put(`!by-start!${listingKey('', T0, 'ghost', 'r0')}`, new Uint8Array());
      // 6. wait-1: a summary that says completed while its history runs on.
      const waitKey = `!runs!${runKey('wait-1', id('wait-1'))}`;
      const summary = await db.get(waitKey);
      if (summary === undefined) throw new Error('no summary');
      await db.put(
        waitKey,
        summary.map((b, i) => (i === 9 ? 1 : b)),
      );
      // 7. a record outside every sublevel.
      await db.put('!histroy!x', new Uint8Array([1]));
    });
    const before = await dumpRecords(dir);
    const report = await verifyStore(dir);
    expect(await dumpRecords(dir)).toEqual(before);

    const t0 = String(T0).padStart(16, '0');
    const fire = String(T0 + 60_000).padStart(16, '0');
    expect(report.ok).toBe(false);
    expect(kindsAndKeys(report.problems)).toEqual(
      [
        // The seven injected...
        `undecodable-value history/sleep-1/${id('sleep-1')}/0000000002`,
        `undecodable-value runs/sleep-2/${id('sleep-2')}`,
        `bad-key history/greet-1/${id('greet-1')}/00000000x4`,
        `bad-key timers/X${fire.slice(1)}/sleep-3/${id('sleep-3')}/t1`,
        `dangling-index by-start//${t0}/ghost/r0`,
        `summary-mismatch runs/wait-1/${id('wait-1')}`,
        'bad-key stray/!histroy!x',
        // ...and what follows from them: greet-1's history now ends before
        // its summary's head, sleep-3's open timer has no entry it would
        // fire from, and wait-1's index entries are those of a running run.
        `history-gap history/greet-1/${id('greet-1')}/0000000004`,
        `missing-index timers/${fire}/sleep-3/${id('sleep-3')}/t1`,
        `stale-index nonterminal/wait-1/${id('wait-1')}`,
        `stale-index by-status/running/${t0}/wait-1/${id('wait-1')}`,
      ].sort(),
    );
    const byRun = new Set(report.problems.map((p) => p.workflowId));
    for (const workflowId of ['sleep-1', 'sleep-2', 'greet-1', 'sleep-3', 'ghost', 'wait-1']) {
      expect(byRun).toContain(workflowId);
    }
    for (const untouched of ['sleep-4', 'wait-2', 'loop-1', 'parent-1', 'parent-1/1']) {
      expect(byRun).not.toContain(untouched);
    }
    expect(report.affectedRuns).toBe(6);
    expect(report.problemCount).toBe(report.problems.length);
  });

  it('checks every index against the runs', async () => {
    const store = new MemoryStore();
    const ref = { workflowId: 'w', runId: 'r' };
    const started = { type: 'WorkflowStarted', workflowType: 't', input: 1, version: 1 } as const;
    await store.commit([
      {
        ...ref,
        expectedSeq: 0,
        events: [
          { ...ref, seq: 1, recordedAt: T0, ...started },
          {
            ...ref,
            seq: 2,
            recordedAt: T0,
            type: 'TimerStarted',
            timerId: 't1',
            fireAt: T0 + 5,
            kind: 'sleep',
            durationMs: 5,
          },
        ],
      },
    ]);
    const ended = { workflowId: 'e', runId: 'r' };
    await store.commit([
      {
        ...ended,
        expectedSeq: 0,
        events: [
          { ...ended, seq: 1, recordedAt: T0, ...started },
          { ...ended, seq: 2, recordedAt: T0, type: 'WorkflowCompleted', result: 1 },
        ],
      },
    ]);
    expect((await verifyMemoryStore(store.data)).ok).toBe(true);
    const { indexes, history } = store.data;
    indexes.timers.set(timerKey(T0 + 1, 'e', 'r', 'late'), '');
    indexes.nonTerminal.set(runKey('e', 'r'), '');
    indexes.timers.set(timerKey(T0 + 9, 'w', 'r', 't9'), '');
    indexes.nonTerminal.set(runKey('gone', 'r'), '');
    indexes.latest.set('w', 'other');
    indexes.byStatus.delete(listingKey('running', T0, 'w', 'r'));
    indexes.byStatus.set(listingKey('completed', T0, 'w', 'r'), 't');
    indexes.byType.set(listingKey('t', T0, 'w', 'r'), '');
    history.set(historyKey('lost', 'r', 1), encode({ ...started, recordedAt: T0 }));
    const report = await verifyMemoryStore(store.data, { maxProblems: 4 });
    expect(report.problems).toHaveLength(4);
    const all = await verifyMemoryStore(store.data);
    expect(report.problemCount).toBe(all.problemCount);
    expect(all.problems.find((p) => p.key === 'timers/0001704067200001/e/r/late')?.message).toBe(
      'a timer entry of a run that ended completed: it can never fire',
    );
    expect(kindsAndKeys(all.problems)).toEqual(
      [
        'dangling-index latest/w',
        'dangling-index nonterminal/gone/r',
        'missing-index by-status/running/0001704067200000/w/r',
        'missing-index latest/lost',
        'missing-index nonterminal/lost/r',
        'missing-index by-status/running/0001704067200000/lost/r',
        'missing-index by-type/t/0001704067200000/lost/r',
        'missing-index by-start//0001704067200000/lost/r',
        'orphan-history history/lost/r',
        'stale-index by-status/completed/0001704067200000/w/r',
        'stale-index timers/0001704067200009/w/r/t9',
        'stale-index timers/0001704067200001/e/r/late',
        'stale-index nonterminal/e/r',
      ].sort(),
    );
  });

  it('refuses a store that an engine holds, and a directory that is no store', async () => {
    const dir = await tempDir();
    const store = await LevelStore.open(dir);
    await expectRejection(verifyStore(dir), 'STORE_LOCKED');
    await store.close();
    expect((await verifyStore(dir)).ok).toBe(true);
    await expectRejection(verifyStore(`${dir}/nothing`), 'INVALID_ARGUMENT');
    await expectRejection(verifyStore(dir, { maxProblems: 0 }), 'INVALID_ARGUMENT');
  });
});
