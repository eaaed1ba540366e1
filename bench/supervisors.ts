/**
 * Supervisor restart latency: the time from a child's crash to its
 * restarted replacement, under a one-for-one supervisor with 1,000
 * children (target: under 1 ms median). A crash here is an XState machine
 * whose action throws; the whole path (XState error status, relay to the
 * supervisor, the pure decision, the new actor's start, the `restarted`
 * event on `events$`) runs synchronously, so one `performance.now()` pair
 * brackets it.
 */
import { performance } from 'node:perf_hooks';
import { createMachine } from 'xstate';
import { createSupervisor, type ChildSpec } from '../supervisors/index.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

/** The workload's name in the bench registry. */
export const name = 'supervisors';

const CHILDREN = 1_000;

const crashable = createMachine({
  initial: 'running',
  states: {
    running: {
      on: {
        CRASH: {
          actions: () => {
            throw new Error('crash');
          },
        },
      },
    },
  },
});

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

const round = (ms: number): number => Math.round(ms * 1_000) / 1_000;

/**
 * Runs the workload.
 *
 * @param options - `smoke` for a tiny run that only proves it works.
 * @returns Median and p99 restart latency, plus start and stop of the tree.
 * @example
 * ```ts
 * const rows = await run({ smoke: true });
 * ```
 */
export async function run(options: Pick<BenchOptions, 'smoke'>): Promise<BenchRow[]> {
  const samples = options.smoke ? 500 : 20_000;
  const warmup = options.smoke ? 100 : 2_000;
  const children: ChildSpec[] = Array.from({ length: CHILDREN }, (_, i) => ({
    id: `child-${i}`,
    logic: crashable,
  }));
  const root = createSupervisor({
    id: 'bench',
    strategy: 'one-for-one',
    // Unbounded so the measurement is not cut short by escalation.
    intensity: { maxRestarts: Infinity, withinMs: 1_000 },
    children,
  });
  let restartedAt = 0;
  root.events$.subscribe((e) => {
    if (e.type === 'restarted') restartedAt = performance.now();
  });
  const startBegin = performance.now();
  root.start();
  const startMs = performance.now() - startBegin;

  const latencies: number[] = [];
  for (let i = 0; i < warmup + samples; i++) {
    const id = `child-${(i * 7919) % CHILDREN}`;
    const ref = root.child(id);
    if (ref === undefined) throw new Error(`${id} is not running`);
    restartedAt = 0;
    const crashedAt = performance.now();
    ref.send({ type: 'CRASH' });
    if (restartedAt === 0) throw new Error(`${id} was not restarted synchronously`);
    if (i >= warmup) latencies.push(restartedAt - crashedAt);
  }
  const restarts = root.tree().children.reduce((sum, c) => sum + c.restarts, 0);
  if (restarts !== warmup + samples)
    throw new Error(`expected ${warmup + samples} restarts, saw ${restarts}`);

  const stopBegin = performance.now();
  await root.stop();
  const stopMs = performance.now() - stopBegin;

  latencies.sort((a, b) => a - b);
  const note = `one-for-one, ${CHILDREN} machine children, ${samples} crashes`;
  return [
    {
      workload: name,
      case: 'restart latency median',
      value: round(quantile(latencies, 0.5)),
      unit: 'ms',
      note: `${note}; target < 1 ms`,
    },
    {
      workload: name,
      case: 'restart latency p99',
      value: round(quantile(latencies, 0.99)),
      unit: 'ms',
      note,
    },
    {
      workload: name,
      case: `start ${CHILDREN} children`,
      value: round(startMs),
      unit: 'ms',
      note: 'cold: the first tree in the process',
    },
    {
      workload: name,
      case: `stop ${CHILDREN} children`,
      value: round(stopMs),
      unit: 'ms',
      note: 'reverse start order',
    },
  ];
}

/** The workload as the bench registry (bench/index.ts) lists it. */
export const supervisorsWorkload: Workload = {
  name,
  description: 'supervisor restart latency, one-for-one with 1,000 children',
  run,
};
