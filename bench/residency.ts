/**
 * W5 timers and memory: many runs sleep a day with at most 1,000 resident;
 * heap per suspended run, then the day passes on a virtual clock and every
 * run wakes in one burst (wake throughput). LevelDB with 'sync'. Measured
 * in a child process of its own (bench/fixtures/residency-child.ts): RSS
 * taken in the bench process would include what the earlier workloads left.
 */
import { fileURLToPath } from 'node:url';
import { rowsFromChild } from './child-rows.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

// `npm run bench` runs compiled JavaScript; the smoke test runs the sources.
const fromSource = import.meta.url.endsWith('.ts');
const child = fileURLToPath(
  new URL(`./fixtures/residency-child.${fromSource ? 'ts' : 'js'}`, import.meta.url),
);

function run(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.smoke ? 500 : 100_000;
  return rowsFromChild(child, [options.scratch, String(n)], 'the W5 child');
}

/** W5. */
export const residencyWorkload: Workload = {
  name: 'residency',
  description: 'W5: sleeping runs, heap per suspended run, wake burst',
  run,
};
