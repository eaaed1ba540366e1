import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isTerminalEventType } from '../../src/core/index.js';
import { LevelStore } from '../../src/index.js';
import type { HistoryEvent, RunSummary } from '../../src/index.js';
import { startChildProcess } from '../helpers/child-process.js';
import { useTempDirs } from '../helpers/temp-dirs.js';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const RUNS = 200;
const KILLS = Number(process.env.ENGINE_CRASH_KILLS ?? 5);
const SEED = Number(process.env.ENGINE_CRASH_SEED ?? Date.now() % 1_000_000);

const tempDir = useTempDirs('crash');

/** mulberry32: reproducible kill points for a given ENGINE_CRASH_SEED. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface JournalLine {
  readonly key: string;
  readonly type: string;
  readonly attempt: number;
}

async function readJournal(path: string): Promise<JournalLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [key, type, attempt] = line.split(' ');
      return { key: key!, type: type!, attempt: Number(attempt) };
    });
}

async function withStore<T>(dir: string, read: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = await LevelStore.open(dir);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

const outcomeLines = (lines: readonly string[]): string[] =>
  lines.filter((line) => line.startsWith('OUTCOME ')).map((line) => line.split(' ')[1]!);

describe('engine crash recovery (real child process, SIGKILL)', () => {
  it(`finishes ${RUNS} runs exactly once across ${KILLS} kills`, async () => {
    const dir = await tempDir();
    const storeDir = join(dir, 'store');
    const journal = join(dir, 'journal.log');
    const env = { CRASH_STORE: storeDir, CRASH_JOURNAL: journal, CRASH_RUNS: String(RUNS) };
    const random = seeded(SEED);
    const context = `seed ${SEED} (set ENGINE_CRASH_SEED to reproduce)`;
    const chaosOutcomes: string[] = [];

    for (let kill = 0; kill < KILLS; kill++) {
      const child = startChildProcess(CHILD, {
        ...env,
        CRASH_MODE: 'chaos',
        CRASH_START_LIMIT: '50',
      });
      await child.waitFor('OPENED');
      const delay = Math.floor(random() * 600);
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill();
      const exit = await child.exited;
      expect(exit.signal, context).toBe('SIGKILL');
      chaosOutcomes.push(...outcomeLines(child.lines));
    }

    // What the final engine finds: runs not ended yet, and runs never started.
    const before = await withStore(storeDir, async (store) => ({
      nonTerminal: (await store.listNonTerminal()).map((run) => run.workflowId),
      existing: (await store.listRuns({ limit: 10_000 })).items.map((run) => run.workflowId),
    }));
    const missing = Array.from({ length: RUNS }, (_, n) => `order-${n}`).filter(
      (id) => !before.existing.includes(id),
    );

    const final = startChildProcess(CHILD, { ...env, CRASH_MODE: 'final' });
    await final.waitFor('DONE');
    expect((await final.exited).code, context).toBe(0);

    const { runs, histories } = await withStore(storeDir, async (store) => {
      const page = await store.listRuns({ limit: 10_000 });
      const all: RunSummary[] = [...page.items];
      const byRun = new Map<string, HistoryEvent[]>();
      for (const run of all)
        byRun.set(run.runId, await store.readHistory(run.workflowId, run.runId));
      return { runs: all, histories: byRun };
    });

    // One run per workflow id (a restart never started a run twice), all ended.
    expect(runs, context).toHaveLength(RUNS);
    expect(new Set(runs.map((r) => r.workflowId)).size, context).toBe(RUNS);
    expect(
      runs.every((r) => r.status === 'completed'),
      context,
    ).toBe(true);

    const effects = await readJournal(journal);
    const effectsOf = new Map<string, JournalLine[]>();
    for (const line of effects) {
      const list = effectsOf.get(line.key) ?? [];
      list.push(line);
      effectsOf.set(line.key, list);
    }

    for (const run of runs) {
      const history = histories.get(run.runId)!;
      const where = `${run.workflowId}, ${context}`;
      const n = Number(run.workflowId.slice('order-'.length));
      expect(
        history.map((e) => e.seq),
        where,
      ).toEqual(history.map((_, i) => i + 1));
      // Exactly one terminal event, the last one, with the right result.
      const terminals = history.filter((e) => isTerminalEventType(e.type));
      expect(terminals, where).toHaveLength(1);
      expect(history.at(-1), where).toMatchObject({
        type: 'WorkflowCompleted',
        result: { n, reserved: `R-${n}`, charged: `C-${n}`, shipped: `S-${n}` },
      });
      // The flaky charge failed once (attempt 1) and succeeded with attempt 2,
      // however often the process died around it.
      const charge = (type: string) =>
        history.filter((e) => e.type === type && 'activityId' in e && e.activityId === 2);
      expect(
        charge('ActivityFailed').map((e) => (e as { attempt: number }).attempt),
        where,
      ).toEqual([1]);
      expect(
        charge('ActivityCompleted').map((e) => (e as { attempt: number }).attempt),
        where,
      ).toEqual([2]);
      // Every scheduled activity's effect happened at least once, and every
      // recorded attempt really ran.
      for (const event of history) {
        if (event.type === 'ActivityScheduled') {
          const key = `${run.workflowId}/${run.runId}/${event.activityId}`;
          const lines = effectsOf.get(key) ?? [];
          expect(lines.length, `${key}, ${context}`).toBeGreaterThanOrEqual(1);
          expect(new Set(lines.map((l) => l.type)), key).toEqual(new Set([event.activityType]));
        }
        if (event.type === 'ActivityCompleted' || event.type === 'ActivityFailed') {
          const key = `${run.workflowId}/${run.runId}/${event.activityId}`;
          const attempts = (effectsOf.get(key) ?? []).map((l) => l.attempt);
          expect(attempts, `${key}, ${context}`).toContain(event.attempt);
        }
      }
    }
    // Every journaled effect belongs to a run that exists.
    const keys = new Set(
      runs.flatMap((run) => [1, 2, 3].map((id) => `${run.workflowId}/${run.runId}/${id}`)),
    );
    expect(
      effects.filter((line) => !keys.has(line.key)),
      context,
    ).toEqual([]);

    // outcomes$ of the final engine: one notice for each run that ended in its
    // lifetime (those not ended or not started when it opened), none twice,
    // none for a run that had ended before. No engine ever announced a run twice.
    const finalOutcomes = outcomeLines(final.lines);
    expect(new Set(finalOutcomes).size, context).toBe(finalOutcomes.length);
    expect([...finalOutcomes].sort(), context).toEqual([...before.nonTerminal, ...missing].sort());
    const announced = [...chaosOutcomes, ...finalOutcomes];
    expect(new Set(announced).size, context).toBe(announced.length);
  }, 90_000);
});
