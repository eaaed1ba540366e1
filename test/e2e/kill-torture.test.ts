import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, onTestFinished } from 'vitest';
import { AionError, Engine, LevelStore } from '../../src/index.js';
import { createPrng } from '../sim/prng.js';
import { checkStore } from '../sim/store-checks.js';
import { bundleFixture, startChildProcess } from '../helpers/child-process.js';
import type { ChildProcess } from '../helpers/child-process.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import {
  checkCounters,
  checkJournal,
  checkOrders,
  checkReplays,
  checkRunsEnded,
} from './kill-torture-checks.js';
import type { Acknowledged } from './kill-torture-checks.js';
import { COUNTERS, counterId, createWorkload } from './fixtures/kill-workload.js';
import type { JournalLine } from './fixtures/kill-workload.js';

const CHILD = fileURLToPath(new URL('./fixtures/kill-torture-child.ts', import.meta.url));
/** SIGKILLs of the working process; KILL_TORTURE_KILLS=n for a longer run. */
const KILLS = Number(process.env.KILL_TORTURE_KILLS ?? 50);
const SEED = Number(process.env.KILL_TORTURE_SEED ?? Date.now() % 1_000_000);
/** Every this many kills, the test itself opens an engine on the store and signals. */
const PARENT_EVERY = 5;

const tempDir = useTempDirs('kill-torture');

async function readJournal(path: string): Promise<JournalLine[]> {
  const text = await readFile(path, 'utf8').catch(() => '');
  // A kill can cut the last line short: it belongs to an attempt whose
  // result was never recorded.
  return text
    .split('\n')
    .filter((line) => line.endsWith('}'))
    .map((line) => JSON.parse(line) as JournalLine);
}

/** What a child's stdout acknowledged. */
function acknowledgedBy(lines: readonly string[], into: MutableAcks): void {
  for (const line of lines) {
    const [kind, ...rest] = line.split(' ');
    if (kind === 'STARTED') into.starts.push(rest.join(' '));
    else if (kind === 'OUTCOME') into.outcomes.push(`${rest[0]} ${rest[1]}`);
    else if (kind === 'SIGNALED') {
      into.signals.push({ workflowId: rest[0]!, name: rest[1]!, payload: rest[2]! });
    }
  }
}

interface MutableAcks {
  starts: string[];
  signals: Array<{ workflowId: string; name: string; payload: string }>;
  outcomes: string[];
}

/** The test's own engine between two lives: a second process signalling the counters. */
async function signalFromParent(
  storeDir: string,
  journal: string,
  kill: number,
  acks: MutableAcks,
): Promise<void> {
  const workload = createWorkload(journal);
  const engine = await Engine.open({
    store: storeDir,
    durability: 'sync',
    workflows: workload.workflows,
    activities: workload.activities,
  });
  const subscription = engine.outcomes$.subscribe((notice) =>
    acks.outcomes.push(`${notice.workflowId} ${notice.runId}`),
  );
  try {
    for (let k = 0; k < COUNTERS; k++) {
      const payload = `p${kill}.${k}`;
      try {
        await engine.signal(counterId(k), 'inc', payload);
        acks.signals.push({ workflowId: counterId(k), name: 'inc', payload });
      } catch (error) {
        // Not started yet by any life.
        if (!(error instanceof AionError && error.code === 'WORKFLOW_NOT_FOUND')) throw error;
      }
    }
  } finally {
    await engine.close();
    subscription.unsubscribe();
  }
}

describe('kill torture (real child process, SIGKILL, LevelStore)', () => {
  it(`keeps every acknowledged start, signal and result across ${KILLS} kills`, async () => {
    const dir = await tempDir();
    const storeDir = join(dir, 'store');
    const journal = join(dir, 'journal.jsonl');
    const random = createPrng(SEED);
    const context = `seed ${SEED} (KILL_TORTURE_SEED=${SEED} KILL_TORTURE_KILLS=${KILLS} to reproduce the kill points)`;
    const acks: MutableAcks = { starts: [], signals: [], outcomes: [] };
    const env = { KT_STORE: storeDir, KT_JOURNAL: journal };
    let opened = 0;
    let faults = 0;
    let storeFaults = 0;
    let errors: string[] = [];
    const bundle = await bundleFixture(CHILD);
    onTestFinished(() => bundle.remove());
    const started = Date.now();

    for (let kill = 0; kill < KILLS; kill++) {
      const child: ChildProcess = startChildProcess(bundle.path, {
        ...env,
        KT_MODE: 'chaos',
        KT_LIFE: `L${kill}`,
        KT_SEED: String(SEED + kill),
        // Every other life also has its disk fail now and then.
        KT_FAULTS: kill % 2 === 1 ? '1' : '0',
      });
      // Most kills land while the engine works; some during its start and
      // recovery.
      if (random.chance(0.2)) {
        await new Promise((resolve) => setTimeout(resolve, random.int(500)));
      } else {
        await child.waitFor('OPENED');
        await new Promise((resolve) => setTimeout(resolve, random.int(300)));
      }
      child.kill();
      const exit = await child.exited;
      expect(exit.signal, `${context}: ${child.stderr()}`).toBe('SIGKILL');
      if (child.lines.includes('OPENED')) opened++;
      faults += child.lines.filter((line) => line.startsWith('FAULT')).length;
      storeFaults += child.lines.filter((line) => line === 'store-fault').length;
      acknowledgedBy(child.lines, acks);
      errors = errors.concat(child.lines.filter((line) => line.startsWith('ERROR')));
      if (kill % PARENT_EVERY === PARENT_EVERY - 1) {
        await signalFromParent(storeDir, journal, kill, acks);
      }
    }
    const chaosMs = Date.now() - started;

    const final = startChildProcess(bundle.path, { ...env, KT_MODE: 'final', KT_LIFE: 'final' });
    const exit = await final.exited;
    acknowledgedBy(final.lines, acks);
    errors = errors.concat(final.lines.filter((line) => line.startsWith('ERROR')));
    expect(
      final.lines.filter((line) => line.startsWith('STUCK')),
      context,
    ).toEqual([]);
    expect(exit.code, `${context}: ${final.stderr()}`).toBe(0);
    expect(errors, context).toEqual([]);

    const store = await LevelStore.open(storeDir);
    try {
      const { snapshot, problems } = await checkStore(store);
      const done: Acknowledged = acks;
      const lines = await readJournal(journal);
      const found = [
        ...problems,
        ...checkRunsEnded(snapshot, done),
        ...checkCounters(snapshot, done),
        ...checkOrders(snapshot, done),
        ...checkJournal(snapshot, lines),
        ...(await checkReplays(snapshot)),
      ];
      expect(found, context).toEqual([]);
      // The figures of docs/reliability.md.
      const events = [...snapshot.runs.values()].reduce((sum, run) => sum + run.history.length, 0);
      const attempts = new Set(lines.map((line) => `${line.key}#${line.attempt}`));
      console.log(
        `kill torture: ${KILLS} kills (${opened} after open) in ${chaosMs} ms, ` +
          `${faults} disk faults injected (${storeFaults} reported), ` +
          `${snapshot.runs.size} runs, ${events} events, ${acks.starts.length} acknowledged starts, ` +
          `${acks.signals.length} acknowledged signals, ${lines.length} activity attempts ` +
          `(${lines.length - attempts.size} run again after a kill), ` +
          `0 lost, 0 duplicated; ${context}`,
      );
      // The workload really ran: not every life died before doing anything.
      expect(opened, context).toBeGreaterThan(KILLS / 2);
      expect(snapshot.runs.size, context).toBeGreaterThan(40);
    } finally {
      await store.close();
    }
  }, 240_000);
});
