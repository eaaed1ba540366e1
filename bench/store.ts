/**
 * Store throughput: durable (`sync`) commits through the group-commit
 * LevelStore from 1, 64 and 1024 concurrent writers, beside raw LevelDB
 * baselines measured in the same process on the same disk.
 */
import { mkdtemp } from 'node:fs/promises';
import { join } from 'node:path';
import { Level } from 'level';
import { encode } from '../src/core/index.js';
import type { HistoryEvent } from '../src/core/index.js';
import { LevelStore, historyKey, runKey } from '../src/store/index.js';
import { encodeSummary } from '../src/store/summary-codec.js';
import type { BenchOptions, BenchRow, Workload } from './workload.js';

const RUN_ID = '01J0000000000000000000000';

/**
 * The event a writer appends next. Built as literals of one shape each, as
 * the engine's recorder does: a spread of a shared envelope cost the writers
 * about 3 µs per event here, a fifth of a batch cycle, and that is the
 * bench's own work, not the store's.
 */
function event(workflowId: string, seq: number): HistoryEvent {
  const recordedAt = 1_700_000_000_000 + seq;
  if (seq === 1) {
    return {
      seq,
      recordedAt,
      workflowId,
      runId: RUN_ID,
      type: 'WorkflowStarted',
      workflowType: 'bench',
      input: { n: 1 },
      version: 1,
    };
  }
  return seq % 2 === 0
    ? {
        seq,
        recordedAt,
        workflowId,
        runId: RUN_ID,
        type: 'ActivityScheduled',
        activityId: seq,
        activityType: 'step',
        input: { i: seq },
        options: {
          retry: {
            maxAttempts: 3,
            initialIntervalMs: 1000,
            backoffCoefficient: 2,
            maxIntervalMs: 60000,
            nonRetryable: [],
          },
        },
      }
    : {
        seq,
        recordedAt,
        workflowId,
        runId: RUN_ID,
        type: 'ActivityCompleted',
        activityId: seq - 1,
        attempt: 1,
        result: { ok: seq },
      };
}

/** A representative encoded event for the raw baselines, so values weigh the same. */
const SAMPLE = encode(event('wf-sample', 3));

/** A representative encoded run summary: the store rewrites one per run per batch. */
const SUMMARY = encodeSummary({
  workflowId: 'wf-sample',
  runId: RUN_ID,
  workflowType: 'bench',
  status: 'running',
  startedAt: 1_700_000_000_000,
  historyLength: 3,
  version: 1,
  pendingActivities: 0,
  pendingTimers: 0,
  lastEventType: 'ActivityCompleted',
});

async function scratchDir(options: BenchOptions, name: string): Promise<string> {
  return mkdtemp(join(options.scratch, `${name}-`));
}

interface Measured {
  readonly events: number;
  readonly seconds: number;
  readonly batches?: number;
}

/** Raw LevelDB: one `put` with `sync: true` per event, one after another. */
async function rawPut(options: BenchOptions): Promise<Measured> {
  const db = new Level<string, Uint8Array>(await scratchDir(options, 'put'), {
    valueEncoding: 'view',
  });
  await db.open();
  const start = performance.now();
  let n = 0;
  while (performance.now() - start < options.durationMs) {
    await db.put(historyKey('wf-raw', RUN_ID, ++n), SAMPLE, { sync: true });
  }
  const seconds = (performance.now() - start) / 1000;
  await db.close();
  return { events: n, seconds };
}

/**
 * Raw LevelDB: chained batches of `size` events with `sync: true`, back to
 * back; with `summaries`, each batch also rewrites one run summary per
 * writer, the records the store writes for one event from each of `size` runs.
 */
async function rawBatch(options: BenchOptions, size: number, summaries = false): Promise<Measured> {
  const db = new Level<string, Uint8Array>(await scratchDir(options, 'batch'), {
    valueEncoding: 'view',
  });
  await db.open();
  const start = performance.now();
  let n = 0;
  let batches = 0;
  while (performance.now() - start < options.durationMs) {
    const batch = db.batch();
    for (let i = 0; i < size; i++) batch.put(historyKey(`wf-${i}`, RUN_ID, ++n), SAMPLE);
    if (summaries) for (let i = 0; i < size; i++) batch.put(runKey(`wf-${i}`, RUN_ID), SUMMARY);
    await batch.write({ sync: true });
    batches++;
  }
  const seconds = (performance.now() - start) / 1000;
  await db.close();
  return { events: n, seconds, batches };
}

/** `writers` runs, each committing one event at a time and awaiting it. */
async function storeWriters(options: BenchOptions, writers: number): Promise<Measured> {
  const store = await LevelStore.open(await scratchDir(options, `store-${writers}`), {
    durability: 'sync',
  });
  const start = performance.now();
  let stop = false;
  const timer = setTimeout(() => (stop = true), options.durationMs);
  let events = 0;
  const writer = async (w: number): Promise<void> => {
    const workflowId = `wf-${w}`;
    for (let seq = 1; !stop; seq++) {
      await store.commit([
        { workflowId, runId: RUN_ID, expectedSeq: seq - 1, events: [event(workflowId, seq)] },
      ]);
      events++;
    }
  };
  await Promise.all(Array.from({ length: writers }, (_, w) => writer(w)));
  const seconds = (performance.now() - start) / 1000;
  clearTimeout(timer);
  const { batches } = store.stats();
  await store.close();
  return { events, seconds, batches };
}

const rate = (m: Measured): number => Math.round(m.events / m.seconds);
const perBatch = (m: Measured): string =>
  m.batches === undefined || m.batches === 0
    ? ''
    : `${(m.events / m.batches).toFixed(1)} events/batch`;

const CASES = ['put', 'batch64', 'batch64runs', 'store1', 'store64', 'store1024'] as const;
type Case = (typeof CASES)[number];

function measureCase(options: BenchOptions, which: Case): Promise<Measured> {
  switch (which) {
    case 'put':
      return rawPut(options);
    case 'batch64':
      return rawBatch(options, 64);
    case 'batch64runs':
      return rawBatch(options, 64, true);
    case 'store1':
      return storeWriters(options, 1);
    case 'store64':
      return storeWriters(options, 64);
    case 'store1024':
      return storeWriters(options, 1024);
  }
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/**
 * The store workload of `npm run bench`. Every round measures all cases one
 * after another, so a ratio compares figures taken moments apart on the same
 * disk; on a shared machine the load changes from one minute to the next.
 * Rates are the best round; ratios are per round, median and best.
 */
export const storeWorkload: Workload = {
  name: 'store',
  description: 'sync commits through the group-commit LevelStore vs raw LevelDB',
  async run(options) {
    const rounds: Array<Record<Case, Measured>> = [];
    for (let round = 0; round < options.rounds; round++) {
      const measured = {} as Record<Case, Measured>;
      for (const which of CASES) measured[which] = await measureCase(options, which);
      rounds.push(measured);
    }
    const bestOf = (which: Case): Measured =>
      rounds.map((r) => r[which]).reduce((a, b) => (rate(b) > rate(a) ? b : a));
    const names: Record<Case, string> = {
      put: 'raw put sync, 1 per event',
      batch64: 'raw chained batch of 64 sync',
      batch64runs: 'raw chained batch of 64 + 64 run summaries sync',
      store1: 'LevelStore sync, 1 writer',
      store64: 'LevelStore sync, 64 writers',
      store1024: 'LevelStore sync, 1024 writers',
    };
    const rows: BenchRow[] = CASES.map((which) => {
      const m = bestOf(which);
      return {
        workload: 'store',
        case: names[which],
        value: rate(m),
        unit: 'events/s',
        note: perBatch(m),
      };
    });
    const ratio = (a: Case, b: Case): number[] => rounds.map((r) => rate(r[a]) / rate(r[b]));
    const vsPut = ratio('store64', 'put');
    const vsBatch = ratio('store64', 'batch64');
    const vsRecords = ratio('store64', 'batch64runs');
    rows.push(
      {
        workload: 'store',
        case: '64 writers / raw put (median of rounds)',
        value: Number(median(vsPut).toFixed(2)),
        unit: 'x',
        note: `best ${Math.max(...vsPut).toFixed(2)}; target >= 10: ${median(vsPut) >= 10 ? 'met' : 'MISSED'}`,
      },
      {
        workload: 'store',
        case: '64 writers / raw batch of 64 (median of rounds)',
        value: Number(median(vsBatch).toFixed(3)),
        unit: 'ratio',
        note: `best ${Math.max(...vsBatch).toFixed(3)}; target >= 0.70: ${median(vsBatch) >= 0.7 ? 'met' : 'MISSED'}`,
      },
      {
        workload: 'store',
        case: '64 writers / raw batch of the same records (median)',
        value: Number(median(vsRecords).toFixed(3)),
        unit: 'ratio',
        note: 'what the engine adds on top of the records it must write',
      },
    );
    return rows;
  },
};
