/**
 * W5 timers and memory: many runs sleep a day with at most 1,000 resident;
 * heap per suspended run, then the day passes on a virtual clock and every
 * run wakes in one burst (wake throughput). LevelDB with 'sync'.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine, LevelStore, defineWorkflow, virtualClock } from '../src/index.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

const sleeper = defineWorkflow('sleeper', async (ctx, n: number) => {
  await ctx.sleep('1d');
  return n;
});

const gc = (): void => (globalThis as { gc?: () => void }).gc?.();

async function run(options: BenchOptions): Promise<BenchRow[]> {
  const n = options.smoke ? 500 : 100_000;
  const dir = await mkdtemp(join(options.scratch, 'w5-'));
  const store = await LevelStore.open(dir, { durability: 'sync' });
  const clock = virtualClock(Date.now());
  const engine = await Engine.open({ store, clock, workflows: [sleeper], maxResidentRuns: 1000 });
  try {
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: 64 }, async () => {
        while (next < n) {
          const i = next++;
          await engine.start(sleeper, i, { workflowId: `w5-${i}` });
        }
      }),
    );
    const startS = (performance.now() - t0) / 1000;
    await new Promise((resolve) => setTimeout(resolve, 200));
    gc();
    const memory = process.memoryUsage();
    const perRun = (memory.heapUsed - heapBefore) / n;
    let done = 0;
    const all = new Promise<void>((resolve) => {
      engine.outcomes$.subscribe(() => {
        if (++done === n) resolve();
      });
    });
    const t1 = performance.now();
    clock.advance(86_400_000);
    await all;
    const wakeS = (performance.now() - t1) / 1000;
    return [
      {
        workload: 'W5',
        case: `start ${n} sleeping runs (64 at a time)`,
        value: Math.round(n / startS),
        unit: 'runs/s',
      },
      {
        workload: 'W5',
        case: 'heap per stored sleeping run (1,000 resident)',
        value: Math.round(perRun),
        unit: 'bytes',
        note: `target < 1024; includes the store's bounded summary cache; ${Math.round(memory.heapUsed / 1e6)} MB heap`,
      },
      {
        workload: 'W5',
        case: 'RSS with all runs stored',
        value: Math.round(memory.rss / 1e6),
        unit: 'MB',
        note: 'target < 200 MB for 100,000',
      },
      {
        workload: 'W5',
        case: 'wake burst: all timers due at once',
        value: Math.round(n / wakeS),
        unit: 'runs/s',
        note: `${wakeS.toFixed(1)} s to complete all`,
      },
    ];
  } finally {
    await engine.close();
    await store.close();
  }
}

/** W5. */
export const residencyWorkload: Workload = {
  name: 'residency',
  description: 'W5: sleeping runs, heap per suspended run, wake burst',
  run,
};
