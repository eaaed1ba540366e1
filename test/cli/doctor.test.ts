import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, virtualClock } from '../../src/index.js';
import { historyKey, runKey } from '../../src/store/index.js';
import {
  dumpRecords,
  flipValueByte,
  keysOf,
  moveRecord,
  seedStore,
  withRawDb,
} from '../helpers/corrupt-store.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { aion } from './cli-harness.js';

const tempDir = useTempDirs('cli-doctor');
const T0 = Date.UTC(2024, 0, 1);

async function seeded(): Promise<{ dir: string; runIds: ReadonlyMap<string, string> }> {
  const dir = join(await tempDir(), 'store');
  const { runIds } = await seedStore(dir, virtualClock(T0), 2);
  return { dir, runIds };
}

describe('aion doctor', () => {
  it('exits 0 with "no problems found" on a sound store', async () => {
    const { dir } = await seeded();
    const text = await aion(['doctor', '--store', dir]);
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    // 26 events and 10 summaries; 8 latest, 4 non-terminal, 2 timer and
    // 3 x 10 listing entries.
    expect(text.stdout).toBe(`checked ${dir}: 10 runs, 26 events, 80 records\nno problems found\n`);
    const json = await aion(['doctor', '--json', '--store', dir]);
    expect(json.code).toBe(0);
    expect(json.json()).toEqual({
      store: dir,
      ok: true,
      records: 80,
      runs: 10,
      events: 26,
      problems: [],
      problemCount: 0,
      affectedRuns: 0,
    });
  });

  it('lists each problem with its key and run, exits 6, and changes no record', async () => {
    const { dir, runIds } = await seeded();
    const s1 = runIds.get('sleep-1') as string;
    const w2 = runIds.get('wait-2') as string;
    await withRawDb(dir, async (db) => {
      await flipValueByte(db, `!history!${historyKey('sleep-1', s1, 2)}`, 1);
      await db.put(`!runs!${runKey('wait-2', w2)}`, new Uint8Array([0xc1]));
      const [timer] = await keysOf(db, 'timers', 'sleep-2');
      await moveRecord(db, timer as string, `${timer as string}\u0000junk`);
    });
    const before = await dumpRecords(dir);
    const text = await aion(['doctor', '--store', dir]);
    expect(await dumpRecords(dir)).toEqual(before);
    expect(text.code).toBe(6);
    const lines = text.stdout.split('\n');
    expect(lines[1]).toBe('4 problems found, affecting 3 runs; nothing was changed');
    expect(lines[3]).toMatch(/^PROBLEM\s+KEY\s+RUN\s+WHY$/);
    const rows = lines.slice(4, 8);
    expect(rows).toEqual([
      expect.stringMatching(
        new RegExp(`^undecodable-value +history/sleep-1/${s1}/0000000002 +sleep-1 ${s1} +`),
      ),
      expect.stringMatching(
        /^missing-index +timers\/\d{16}\/sleep-2\/\S+\/t1 +sleep-2 .* never fire$/,
      ),
      expect.stringMatching(new RegExp(`^undecodable-value +runs/wait-2/${w2} +wait-2 ${w2} +`)),
      expect.stringMatching(/^bad-key +timers\/\d{16}\/sleep-2\/\S+\/t1\/junk +sleep-2 /),
    ]);
    expect(text.stdout).toContain('back up the store directory before anything else');

    const json = await aion(['doctor', '--json', '--max-problems', '2', '--store', dir]);
    expect(json.code).toBe(6);
    const report = json.json();
    expect(report).toMatchObject({ ok: false, problemCount: 4, affectedRuns: 3 });
    expect(report.problems).toEqual([
      {
        kind: 'undecodable-value',
        key: `history/sleep-1/${s1}/0000000002`,
        workflowId: 'sleep-1',
        runId: s1,
        message: 'it cannot be decoded',
      },
      expect.objectContaining({ kind: 'missing-index', workflowId: 'sleep-2' }),
    ]);
    expect(await dumpRecords(dir)).toEqual(before);
  });

  it('fails with STORE_LOCKED while an engine holds the store, naming it when it serves', async () => {
    const { dir } = await seeded();
    const engine = await Engine.open({ store: dir });
    try {
      const locked = await aion(['doctor', '--store', dir]);
      expect(locked.code).toBe(5);
      expect(locked.stdout).toBe('');
      expect(locked.stderr).toMatch(
        /^aion: STORE_LOCKED: the store at .* is held by another engine or process: .*\(hint: aion doctor reads a closed store only/,
      );
      await engine.serve();
      const served = await aion(['doctor', '--json', '--store', dir]);
      expect(served.code).toBe(5);
      const { error } = JSON.parse(served.stderr) as { error: { code: string; message: string } };
      expect(error.code).toBe('STORE_LOCKED');
      expect(error.message).toContain(`held by process ${process.pid} (http://127.0.0.1:`);
    } finally {
      await engine.close();
    }
    expect((await aion(['doctor', '--store', dir])).code).toBe(0);
  });

  it('fails with NO_STORE where there is none, and exits 2 on a bad --max-problems', async () => {
    const dir = await tempDir();
    const missing = await aion(['doctor', '--store', join(dir, 'nothing')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^aion: NO_STORE: no store at /);
    expect((await aion(['doctor', '--max-problems', '0', '--store', dir])).code).toBe(2);
    expect((await aion(['doctor', '--max-problems', 'all', '--store', dir])).code).toBe(2);
  });
});
