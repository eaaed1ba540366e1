import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { AionError, Engine, verifyStore, virtualClock } from '../../src/index.js';
import type { SupervisionEvent, WorkflowHandle } from '../../src/index.js';
import { MemoryStore, historyKey, runKey } from '../../src/store/index.js';
import { expectRejection } from '../../src/testing/conformance/assertions.js';
import {
  appendOf,
  everyNonTerminalBody,
  everyTerminalBody,
  startedBody,
} from '../../src/testing/conformance/event-fixtures.js';
import {
  ACTIVITIES,
  WORKFLOWS,
  dumpRecords,
  flipValueByte,
  greeter,
  keysOf,
  moveRecord,
  seedStore,
  sleeper,
  withRawDb,
} from '../helpers/corrupt-store.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const tempDir = useTempDirs('corruption');
const T0 = Date.UTC(2024, 0, 1);

/** Runs whose records the test damages, and how. */
const BLOCKED = ['sleep-1', 'sleep-2', 'sleep-3', 'sleep-5'] as const;
/** Runs left running whose records are intact, and the ended ones. */
const WORKING = ['sleep-4', 'sleep-6', 'wait-1', 'wait-2'] as const;
const ENDED = ['greet-1', 'loop-1', 'parent-1', 'parent-1/1'] as const;

/** Replaces the character at `index` of a key part (a damaged byte in a key). */
const damage = (key: string, index: number, char: string): string =>
  key.slice(0, index) + char + key.slice(index + 1);

/**
 * Damages a closed store the ways a disk or another program could: one
 * event value, one summary, one history key, two index entries and one
 * timer entry, each of a different run. Returns the damaged records' runs.
 */
async function injectCorruption(dir: string, runIds: ReadonlyMap<string, string>): Promise<void> {
  const id = (workflowId: string): string => runIds.get(workflowId) as string;
  await withRawDb(dir, async (db) => {
    // 1. An event value: sleep-1's TimerStarted, a byte of its header flipped.
    await flipValueByte(db, `!history!${historyKey('sleep-1', id('sleep-1'), 2)}`, 1);
    // 2. A run summary: sleep-2's, its first byte flipped.
    await flipValueByte(db, `!runs!${runKey('sleep-2', id('sleep-2'))}`, 0);
    // 3. A history key: sleep-3's last event under a key whose last separator is damaged.
    const last = `!history!${historyKey('sleep-3', id('sleep-3'), 2)}`;
    await moveRecord(db, last, damage(last, last.length - 11, '\u0001'));
    // 4. Index entries: sleep-4's non-terminal entry and greet-1's by-start
    //    listing entry, each with a damaged byte in its key.
    const nonTerminal = `!nonterminal!${runKey('sleep-4', id('sleep-4'))}`;
    await moveRecord(db, nonTerminal, damage(nonTerminal, nonTerminal.indexOf('\u0000'), '\u0001'));
    const [listing] = await keysOf(db, 'by-start', 'greet-1');
    await moveRecord(db, listing as string, damage(listing as string, 20, 'x'));
    // 5. A timer entry: a digit of sleep-5's fireAt turned into '/'.
    const [timer] = await keysOf(db, 'timers', 'sleep-5');
    await moveRecord(db, timer as string, damage(timer as string, '!timers!'.length + 13, '/'));
  });
}

describe('corruption of a LevelStore', () => {
  it('blocks only the runs whose records are damaged, reports them, and runs the rest', async () => {
    const dir = await tempDir();
    const clock = virtualClock(T0);
    const { runIds } = await seedStore(dir, clock, 6);
    await injectCorruption(dir, runIds);
    const damagedRecords = await dumpRecords(dir);

    // The doctor names every damaged record before the engine touches it.
    const doctor = await verifyStore(dir);
    const named = new Set(doctor.problems.map((p) => p.workflowId ?? p.key));
    for (const workflowId of ['sleep-1', 'sleep-2', 'sleep-3', 'sleep-5', 'greet-1']) {
      expect(named).toContain(workflowId);
    }
    expect(doctor.problems.some((p) => p.key.startsWith('nonterminal/sleep-4\\x01'))).toBe(true);

    const engine = await Engine.open({
      store: dir,
      workflows: WORKFLOWS,
      activities: ACTIVITIES,
      clock,
    });
    const supervision: SupervisionEvent[] = [];
    engine.supervision$.subscribe((event) => supervision.push(event));
    try {
      await waitUntil(async () => {
        for (const workflowId of BLOCKED) {
          if ((await engine.describe(workflowId)).blocked === undefined) return false;
        }
        return true;
      });

      // Each damaged run is blocked with STORE_CORRUPT naming its record, and
      // reported once on supervision$ (what recovery found too: the reports
      // of Engine.open are held for the caller to subscribe).
      for (const workflowId of BLOCKED) {
        const d = await engine.describe(workflowId);
        expect(d).toMatchObject({ status: 'running', residency: 'suspended' });
        expect(d.blocked?.code).toBe('STORE_CORRUPT');
        const reports = supervision.filter(
          (e) => e.type === 'blocked' && e.path.at(-1) === runIds.get(workflowId),
        );
        expect(reports).toHaveLength(1);
        expect((reports[0] as { error: AionError }).error.code).toBe('STORE_CORRUPT');
      }
      expect((await engine.describe('sleep-1')).blocked?.message).toContain(
        `history/sleep-1/${runIds.get('sleep-1')}/0000000002 is corrupt: it cannot be decoded`,
      );
      expect((await engine.describe('sleep-3')).blocked?.message).toContain(
        "the history ends at seq 1 but the run's head is seq 2",
      );
      // A damaged entry that names no run is reported as a store fault.
      const faults = supervision.filter((e) => e.type === 'fault');
      expect(faults.map((e) => (e as { error: AionError }).error.code)).toEqual(['STORE_CORRUPT']);
      expect(faults.map((e) => e.path.join('/'))).toEqual(['engine/store']);

      // Nothing is recorded for a blocked run: calls are refused with the damage.
      await expectRejection(engine.signal('sleep-1', 'poke', 1), 'STORE_CORRUPT');
      await expectRejection(engine.cancel('sleep-3'), 'STORE_CORRUPT');
      await expectRejection(engine.terminate('sleep-5'), 'STORE_CORRUPT');
      await expectRejection(engine.signal('sleep-2', 'poke', 1), 'STORE_CORRUPT');
      await expectRejection(engine.history('sleep-1'), 'STORE_CORRUPT');

      // Every other run keeps working: the sleepers wake, the waiters take
      // their signals, new runs start and end.
      const handles = new Map<string, WorkflowHandle<unknown>>();
      for (const workflowId of WORKING) handles.set(workflowId, await engine.getHandle(workflowId));
      const fresh = await engine.start(greeter, 'new', { workflowId: 'greet-2' });
      const napper = await engine.start(sleeper, 30, { workflowId: 'sleep-7' });
      await engine.signal('wait-1', 'go', 'one');
      await engine.signal('wait-2', 'go', 'two');
      clock.advance(60_000);
      expect(await handles.get('sleep-4')?.result()).toBe('slept 60s');
      expect(await handles.get('sleep-6')?.result()).toBe('slept 60s');
      expect(await handles.get('wait-1')?.result()).toBe('went one');
      expect(await handles.get('wait-2')?.result()).toBe('went two');
      expect(await fresh.result()).toBe('hello new');
      expect(await napper.result()).toBe('slept 30s');
      for (const workflowId of ENDED) {
        expect((await engine.describe(workflowId)).status).not.toBe('running');
      }

      // The blocked runs' results stay pending, as for any blocked run; one
      // whose summary is damaged cannot be read, so its result rejects.
      const pending = (await engine.getHandle('sleep-1')).result();
      let settled = false;
      pending.then(
        () => (settled = true),
        () => (settled = true),
      );
      for (let i = 0; i < 20; i++) await tick();
      expect(settled).toBe(false);
      await expectRejection(
        engine.getHandle('sleep-2', runIds.get('sleep-2')).then((h) => h.result()),
        'STORE_CORRUPT',
      );

      // Listing skips the damaged listing entry and reports it.
      const listed = await engine.list({ limit: 100 });
      expect(listed.items.map((run) => run.workflowId)).not.toContain('greet-1');
      expect(listed.items.map((run) => run.workflowId)).toContain('greet-2');
      expect(supervision.filter((e) => e.type === 'fault')).toHaveLength(2);
    } finally {
      await engine.close();
    }

    // The blocked runs' records are exactly as the damage left them.
    const after = await dumpRecords(dir);
    for (const workflowId of BLOCKED) {
      const hex = Buffer.from(workflowId).toString('hex');
      expect(after.filter((line) => line.includes(hex))).toEqual(
        damagedRecords.filter((line) => line.includes(hex)),
      );
    }
  });
});

/** Fields that hold user data or free text: damage there decodes to another value. */
const PAYLOAD_FIELDS = new Set(['input', 'result', 'payload', 'error', 'options', 'reason']);

describe('single-byte flips in stored events', () => {
  it('reads every flip as STORE_CORRUPT or as a well-formed event of the same type', async () => {
    const store = new MemoryStore();
    const ref = { workflowId: 'w', runId: 'r' };
    // One event of every type, with rich payloads (Map, Set, BigInt, Date, bytes).
    const bodies = [startedBody(), ...everyNonTerminalBody(), everyTerminalBody()[0]];
    await store.commit([appendOf(ref, 0, bodies as never)]);
    const original = await store.readHistory('w', 'r');
    const tally = { flips: 0, detected: 0, inPayload: 0, inOtherFields: 0, unchanged: 0 };
    for (const [key, value] of store.data.history.range()) {
      for (let at = 0; at < value.length; at++) {
        const flipped = Uint8Array.from(value);
        flipped[at] = (flipped[at] as number) ^ 0xff;
        store.data.history.set(key, flipped);
        tally.flips++;
        let events;
        try {
          events = await store.readHistory('w', 'r');
        } catch (error) {
          expect(error).toBeInstanceOf(AionError);
          expect((error as AionError).code).toBe('STORE_CORRUPT');
          tally.detected++;
          continue;
        } finally {
          store.data.history.set(key, value);
        }
        // Undetected: a well-formed event of the same type, seq and run.
        const i = events.findIndex((event, j) => !isDeepStrictEqual(event, original[j]));
        if (i < 0) {
          tally.unchanged++;
          continue;
        }
        const [now, was] = [events[i], original[i]] as unknown as [
          Record<string, unknown>,
          Record<string, unknown>,
        ];
        for (const field of ['type', 'seq', 'workflowId', 'runId'])
          expect(now[field]).toBe(was[field]);
        const changed = Object.keys(was).filter((f) => !isDeepStrictEqual(now[f], was[f]));
        if (changed.every((f) => PAYLOAD_FIELDS.has(f))) tally.inPayload++;
        else tally.inOtherFields++;
      }
    }
    if (process.env.CORRUPTION_REPORT !== undefined) console.log('single-byte flips', tally);
    // Decoding damaged bytes leaves the codec as it was.
    expect(await store.readHistory('w', 'r')).toStrictEqual(original);
    expect(tally.flips).toBeGreaterThan(3000);
    // Most flips hit structure (type tags, lengths, field names, field
    // types); most of the rest land in payloads, which nothing but a
    // checksum could tell from other payloads.
    expect(tally.detected / tally.flips).toBeGreaterThan(0.5);
    expect(tally.inOtherFields / tally.flips).toBeLessThan(0.15);
  });
});
