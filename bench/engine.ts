/**
 * Engine workloads of issue 8, each with `durability: 'sync'` on LevelDB in
 * a temp dir, read against the raw ceiling measured in the same run:
 * W1 throughput, W2 latency, W3 fan-out, W4 signals, W7 replay.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Engine, LevelStore, defineActivity, defineWorkflow, replayHistory } from '../src/index.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';
import { rawBatchCeiling, shareOf } from './raw-ceiling.js';

const step = defineActivity('benchStep', async (input: { i: number; step: number }) => input);
const threeSteps = defineWorkflow('BenchWf', async (ctx, i: number) => {
  let sum = 0;
  for (let s = 1; s <= 3; s++) sum += (await ctx.activity(step, { i, step: s })).step;
  return { i, sum };
});
const fanOut = defineWorkflow('FanOut', async (ctx, n: number) => {
  const results = await Promise.all(
    Array.from({ length: n }, (_, s) => ctx.activity(step, { i: n, step: s })),
  );
  return results.length;
});
const inbox = defineWorkflow('Inbox', async (ctx, n: number) => {
  let got = 0;
  while (got < n) {
    await ctx.signal('msg');
    got++;
  }
  return got;
});
const longHistory = defineWorkflow('LongHistory', async (ctx, activities: number) => {
  let count = 0;
  ctx.onQuery('count', () => count);
  for (let s = 0; s < activities; s++) count += (await ctx.activity(step, { i: 0, step: 1 })).step;
  await ctx.signal('finish');
  return count;
});

const DEFS = {
  workflows: [threeSteps, fanOut, inbox, longHistory],
  activities: [step],
};

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return (
    sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN
  );
}

const round = (n: number, digits = 0): number => Number(n.toFixed(digits));

async function openEngine(
  options: BenchOptions,
  name: string,
): Promise<{ engine: Engine; store: LevelStore }> {
  const dir = await mkdtemp(join(options.scratch, `${name}-`));
  const store = await LevelStore.open(dir, { durability: 'sync' });
  const engine = await Engine.open({ store, ...DEFS });
  return { engine, store };
}

/** Closed-loop load: at most `concurrency` runs in flight; latencies in ms. */
async function closedLoop(
  engine: Engine,
  n: number,
  concurrency: number,
  tag: string,
): Promise<{ wallS: number; latencies: number[] }> {
  let next = 0;
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) {
        const i = next++;
        const t0 = performance.now();
        const handle = await engine.start(threeSteps, i, { workflowId: `${tag}-${i}` });
        const result = await handle.result();
        if (result.sum !== 6) throw new Error(`wrong result for run ${i}`);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return { wallS: (performance.now() - start) / 1000, latencies };
}

async function throughput(options: BenchOptions, ceiling: number): Promise<BenchRow[]> {
  const n = options.smoke ? 100 : 2000;
  const { engine, store } = await openEngine(options, 'w1');
  try {
    // Steady state: V8 optimizes the per-step code only after a few hundred runs.
    await closedLoop(engine, options.smoke ? 20 : 1000, 64, 'warm');
    const before = store.stats();
    const cpu0 = process.cpuUsage();
    const { wallS, latencies } = await closedLoop(engine, n, 64, 'w1');
    const cpu = process.cpuUsage(cpu0);
    const events = store.stats().events - before.events;
    const eventsPerS = events / wallS;
    const share = shareOf(eventsPerS, ceiling);
    return [
      {
        workload: 'W1',
        case: 'runs/s (2000 runs x 3 activities, 64 in flight)',
        value: round(n / wallS),
        unit: 'runs/s',
        note: 'target >= 3000',
      },
      {
        workload: 'W1',
        case: 'activities/s',
        value: round((3 * n) / wallS),
        unit: 'activities/s',
        note: 'target >= 9000',
      },
      {
        workload: 'W1',
        case: 'events/s',
        value: round(eventsPerS),
        unit: 'events/s',
        note: `${share} (target >= 40%)`,
      },
      {
        workload: 'W1',
        case: 'p50 start-to-result',
        value: round(percentile(latencies, 50), 2),
        unit: 'ms',
      },
      {
        workload: 'W1',
        case: 'p99 start-to-result',
        value: round(percentile(latencies, 99), 2),
        unit: 'ms',
      },
      {
        workload: 'W1',
        case: 'CPU per run',
        value: round((cpu.user + cpu.system) / n),
        unit: 'µs',
        note: `${round(events / n, 1)} events per run`,
      },
    ];
  } finally {
    await engine.close();
    await store.close();
  }
}

async function latency(options: BenchOptions, ceiling: number): Promise<BenchRow[]> {
  const n = options.smoke ? 30 : 300;
  const { engine, store } = await openEngine(options, 'w2');
  try {
    await closedLoop(engine, options.smoke ? 5 : 200, 1, 'warm');
    const before = store.stats().events;
    const { wallS, latencies } = await closedLoop(engine, n, 1, 'w2');
    const eventsPerS = (store.stats().events - before) / wallS;
    return [
      {
        workload: 'W2',
        case: 'p50 start-to-result (one at a time)',
        value: round(percentile(latencies, 50), 2),
        unit: 'ms',
        note: 'target < 2 ms',
      },
      {
        workload: 'W2',
        case: 'p99 start-to-result (one at a time)',
        value: round(percentile(latencies, 99), 2),
        unit: 'ms',
        note: 'target < 6 ms',
      },
      {
        workload: 'W2',
        case: 'events/s (one at a time)',
        value: round(eventsPerS),
        unit: 'events/s',
        note: shareOf(eventsPerS, ceiling),
      },
    ];
  } finally {
    await engine.close();
    await store.close();
  }
}

async function fanOutRuns(options: BenchOptions, ceiling: number): Promise<BenchRow[]> {
  const runs = options.smoke ? 2 : 20;
  const width = options.smoke ? 20 : 200;
  const { engine, store } = await openEngine(options, 'w3');
  try {
    const before = store.stats().events;
    const start = performance.now();
    const handles = await Promise.all(
      Array.from({ length: runs }, (_, r) =>
        engine.start(fanOut, width, { workflowId: `w3-${r}` }),
      ),
    );
    for (const h of handles)
      if ((await h.result()) !== width) throw new Error('fan-out lost results');
    const wallS = (performance.now() - start) / 1000;
    const eventsPerS = (store.stats().events - before) / wallS;
    return [
      {
        workload: 'W3',
        case: `fan-out: ${runs} runs x Promise.all of ${width}`,
        value: round((runs * width) / wallS),
        unit: 'activities/s',
        note: `${round(wallS * 1000)} ms wall`,
      },
      {
        workload: 'W3',
        case: 'events/s',
        value: round(eventsPerS),
        unit: 'events/s',
        note: shareOf(eventsPerS, ceiling),
      },
    ];
  } finally {
    await engine.close();
    await store.close();
  }
}

async function signals(options: BenchOptions, ceiling: number): Promise<BenchRow[]> {
  const runs = options.smoke ? 10 : 100;
  const perRun = options.smoke ? 10 : 100;
  const { engine, store } = await openEngine(options, 'w4');
  try {
    const handles = await Promise.all(
      Array.from({ length: runs }, (_, r) =>
        engine.start(inbox, perRun, { workflowId: `w4-${r}` }),
      ),
    );
    const before = store.stats().events;
    const start = performance.now();
    await Promise.all(
      handles.map(async (h) => {
        for (let k = 0; k < perRun; k++) await h.signal('msg', { k });
      }),
    );
    for (const h of handles)
      if ((await h.result()) !== perRun) throw new Error('a signal was lost');
    const wallS = (performance.now() - start) / 1000;
    const eventsPerS = (store.stats().events - before) / wallS;
    return [
      {
        workload: 'W4',
        case: `signals: ${runs * perRun} into ${runs} waiting runs`,
        value: round((runs * perRun) / wallS),
        unit: 'signals/s',
        note: 'end to end: recorded, delivered, consumed',
      },
      {
        workload: 'W4',
        case: 'events/s',
        value: round(eventsPerS),
        unit: 'events/s',
        note: shareOf(eventsPerS, ceiling),
      },
    ];
  } finally {
    await engine.close();
    await store.close();
  }
}

async function replay(options: BenchOptions, ceiling: number): Promise<BenchRow[]> {
  const sizes = options.smoke ? [100] : [100, 1000, 10_000];
  const rows: BenchRow[] = [];
  for (const events of sizes) {
    const dir = await mkdtemp(join(options.scratch, `w7-${events}-`));
    const activities = Math.floor((events - 2) / 2);
    {
      const engine = await Engine.open({ store: dir, ...DEFS });
      const handle = await engine.start(longHistory, activities, { workflowId: 'long' });
      while ((await engine.query<number>('long', 'count')) < activities) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      await engine.close();
      void handle;
    }
    const best: number[] = [];
    for (let r = 0; r < (options.smoke ? 1 : 3); r++) {
      // Rehydration is a history read plus a replay; Engine.open already
      // replays recovered runs before it resolves, so time those two here.
      const engine = await Engine.open({ store: dir, ...DEFS });
      const t0 = performance.now();
      const history = await engine.history('long');
      const replayed = await replayHistory(longHistory, history);
      best.push(performance.now() - t0);
      if (!replayed.ok || history.length !== activities * 2 + 1) {
        throw new Error('replay did not reproduce the history');
      }
      await engine.close();
    }
    const ms = Math.min(...best);
    const eventsPerS = (activities * 2 + 1) / (ms / 1000);
    const target = events === 1000 ? '; target < 20 ms' : events === 100 ? '; target < 5 ms' : '';
    rows.push({
      workload: 'W7',
      case: `rehydrate a run of ${activities * 2 + 1} events (read + replay)`,
      value: round(ms, 2),
      unit: 'ms',
      note: `${round(eventsPerS).toLocaleString('en-US')} events/s = ${shareOf(eventsPerS, ceiling)}${target}`,
    });
  }
  return rows;
}

/** W1-W4 and W7. */
export const engineWorkload: Workload = {
  name: 'engine',
  description:
    'durable runs through the engine (W1 throughput, W2 latency, W3 fan-out, W4 signals, W7 replay)',
  async run(options) {
    const ceiling = await rawBatchCeiling(options.scratch, options.smoke ? 200 : 2000);
    const rows: BenchRow[] = [
      {
        workload: 'ceiling',
        case: 'raw LevelDB: synced chained batches of 64',
        value: round(ceiling),
        unit: 'events/s',
        note: 'same process, same disk',
      },
    ];
    rows.push(...(await throughput(options, ceiling)));
    rows.push(...(await latency(options, ceiling)));
    rows.push(...(await fanOutRuns(options, ceiling)));
    rows.push(...(await signals(options, ceiling)));
    rows.push(...(await replay(options, ceiling)));
    return rows;
  },
};
