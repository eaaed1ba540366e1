/**
 * `npm run bench`: runs every registered workload and prints one table.
 *
 * Each workload runs in a process of its own. Environment: `BENCH_SMOKE=1` for a tiny fast run, `BENCH_ONLY=name[,name]`
 * to pick workloads, `BENCH_DURATION_MS` (default 3000) per timed case,
 * `BENCH_ROUNDS` (default 2; the best round is kept). Results also go to
 * bench/results/latest.json.
 *
 * To add a workload: write a module exporting a {@link Workload} and list it
 * in `WORKLOADS`.
 */
import { rowsFromChild } from './child-rows.js';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineWorkload } from './engine.js';
import { recoveryWorkload } from './recovery.js';
import { residencyWorkload } from './residency.js';
import { storeWorkload } from './store.js';
import { supervisorsWorkload } from './supervisors.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

/** Every workload, in the order they run. */
const WORKLOADS: readonly Workload[] = [
  storeWorkload,
  engineWorkload,
  residencyWorkload,
  recoveryWorkload,
  supervisorsWorkload,
];

function numberFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw === undefined ? fallback : Number(raw);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`${name} must be a positive number`);
  return value;
}

function printTable(rows: readonly BenchRow[]): void {
  const cells = rows.map((r) => [
    r.workload,
    r.case,
    r.value.toLocaleString('en-US'),
    r.unit,
    r.note ?? '',
  ]);
  const header = ['workload', 'case', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => (c[i] ?? '').length)));
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i === 2 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0))).join('  ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const c of cells) console.log(line(c));
}

const CHILD_ENV = 'AION_BENCH_WORKLOAD';

/**
 * Runs one workload in a fresh process. In the bench's own process, what an
 * earlier workload left (a grown heap, LevelDB compactions of its databases
 * still running on other threads) was measured with the next one: W1's CPU
 * per run read about 35 % higher after the store workload than alone.
 */
function runInChild(name: string): Promise<BenchRow[]> {
  return rowsFromChild(fileURLToPath(import.meta.url), [], `the ${name} workload`, {
    ...process.env,
    [CHILD_ENV]: name,
  });
}

async function main(): Promise<void> {
  const smoke = process.env.BENCH_SMOKE === '1';
  const only = process.env.BENCH_ONLY?.split(',').map((s) => s.trim());
  const selected = WORKLOADS.filter((w) => only === undefined || only.includes(w.name));
  if (selected.length === 0)
    throw new Error(`no workload matches BENCH_ONLY=${process.env.BENCH_ONLY}`);
  const scratch = await mkdtemp(join(tmpdir(), 'aion-bench-'));
  const options: BenchOptions = {
    smoke,
    durationMs: smoke ? 200 : numberFromEnv('BENCH_DURATION_MS', 3000),
    rounds: smoke ? 1 : numberFromEnv('BENCH_ROUNDS', 2),
    scratch,
  };
  // A child process runs one workload and hands its rows back.
  const child = process.env[CHILD_ENV];
  if (child !== undefined) {
    const workload = WORKLOADS.find((w) => w.name === child);
    if (workload === undefined) throw new Error(`no workload named ${child}`);
    try {
      process.stdout.write(`${JSON.stringify(await workload.run(options))}\n`);
    } finally {
      await rm(scratch, { recursive: true, force: true });
    }
    return;
  }
  const rows: BenchRow[] = [];
  try {
    for (const workload of selected) {
      console.error(`running ${workload.name}: ${workload.description}`);
      const produced = await runInChild(workload.name);
      // Printed as each workload ends, so a later one cannot hide them.
      printTable(produced);
      rows.push(...produced);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  // Compiled runs live in .bench-build/bench/: results go to bench/results either way.
  const compiled = import.meta.url.includes('/.bench-build/');
  const results = fileURLToPath(
    new URL(compiled ? '../../bench/results/' : './results/', import.meta.url),
  );
  await mkdir(results, { recursive: true });
  const cpu = cpus();
  await writeFile(
    join(results, 'latest.json'),
    JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        cpus: `${cpu.length} x ${cpu[0]?.model ?? 'unknown'}`,
        options: { smoke, durationMs: options.durationMs, rounds: options.rounds },
        rows,
      },
      null,
      2,
    ) + '\n',
  );
}

await main();
