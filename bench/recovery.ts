/**
 * W6 recovery: N runs in flight in a child process, SIGKILL, reopen the
 * store here: time until every run is running again (open resolves once the
 * recovered runs replayed) and until all complete.
 */
import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, LevelStore } from '../src/index.js';
import { recoveryDefinitions } from './recovery-workflows.js';
import { rawBatchCeiling, shareOf } from './raw-ceiling.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

// `npm run bench` runs compiled JavaScript; the smoke test runs the sources.
const fromSource = import.meta.url.endsWith('.ts');
const child = fileURLToPath(
  new URL(`./fixtures/recovery-child.${fromSource ? 'ts' : 'js'}`, import.meta.url),
);
const loader = fromSource ? ['--import', 'tsx'] : [];

function startAndKill(dir: string, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...loader, child, dir, String(n)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    proc.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) proc.kill('SIGKILL');
    });
    proc.on('exit', (_code, signal) =>
      signal === 'SIGKILL' ? resolve() : reject(new Error('the child ended before it was killed')),
    );
  });
}

async function run(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.smoke ? 200 : 10_000;
  const ceiling = await rawBatchCeiling(options.scratch, options.smoke ? 200 : 2000);
  const dir = await mkdtemp(join(options.scratch, 'w6-'));
  await startAndKill(dir, n);
  // Runs that ended before the kill have nothing left to recover.
  const probe = await LevelStore.open(dir);
  const recovering = await probe.listNonTerminal();
  await probe.close();
  const inFlight = recovering.length;
  // Every event of every recovered history is read and replayed before open resolves.
  const events = recovering.reduce((sum, run) => sum + run.historyLength, 0);
  const t0 = performance.now();
  const engine = await Engine.open({ store: dir, ...recoveryDefinitions });
  const runningS = (performance.now() - t0) / 1000;
  try {
    let done = 0;
    await new Promise<void>((resolve) => {
      engine.outcomes$.subscribe(() => {
        if (++done === inFlight) resolve();
      });
    });
    const allS = (performance.now() - t0) / 1000;
    return [
      {
        workload: 'W6',
        case: `reopen after SIGKILL: ${inFlight} runs in flight running again`,
        value: Number(runningS.toFixed(2)),
        unit: 's',
        note: `target < 2 s for 10,000; ${n - inFlight} of ${n} had ended before the kill`,
      },
      {
        workload: 'W6',
        case: `reopen after SIGKILL: ${events} history events read and replayed`,
        value: Math.round(events / runningS),
        unit: 'events/s',
        note: `${shareOf(events / runningS, ceiling)} (${Math.round(ceiling).toLocaleString('en-US')} events/s, measured in this process)`,
      },
      {
        workload: 'W6',
        case: `reopen after SIGKILL: ${inFlight} runs completed`,
        value: Number(allS.toFixed(2)),
        unit: 's',
        note: "includes what is left of each run's 15 s sleep",
      },
    ];
  } finally {
    await engine.close();
  }
}

/** W6. */
export const recoveryWorkload: Workload = {
  name: 'recovery',
  description: 'W6: SIGKILL with runs in flight, reopen and recover',
  run,
};
