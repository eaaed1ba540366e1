import { describe, expect, it } from 'vitest';
import type { HistoryEvent, OutcomeNotice } from '../../src/index.js';
import { MemoryStore, historyKey } from '../../src/store/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { DurabilityModel } from './durable-store.js';
import { OutcomeLedger } from './outcome-ledger.js';
import { checkSignals } from './signal-checks.js';
import { checkStore } from './store-checks.js';

/** The simulator's checks must fail on a broken store, not only pass on a good one. */

const T0 = Date.UTC(2024, 0, 1);
const envelope = (runId: string, seq: number) => ({ seq, recordedAt: T0, workflowId: 'w', runId });

function append(runId: string, expectedSeq: number, bodies: object[]): RunAppend {
  const events = bodies.map(
    (body, i) => ({ ...envelope(runId, expectedSeq + i + 1), ...body }) as HistoryEvent,
  );
  return { workflowId: 'w', runId, expectedSeq, events };
}

const started = { type: 'WorkflowStarted', workflowType: 'flow', input: null, version: 1 };
const timer = {
  type: 'TimerStarted',
  timerId: 't1',
  fireAt: T0 + 1_000,
  kind: 'sleep',
  durationMs: 1_000,
};
const signal = (sid: string) => ({ type: 'SignalReceived', name: 'a', payload: { sid } });

async function storeWith(...appends: RunAppend[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  for (const a of appends) await store.commit([a]);
  return store;
}

describe('the simulator checks', () => {
  it('find nothing wrong with a consistent store', async () => {
    const store = await storeWith(append('r1', 0, [started, timer, signal('s1')]));
    expect((await checkStore(store)).problems).toEqual([]);
  });

  it('report a timer index entry the histories do not account for', async () => {
    const store = await storeWith(append('r1', 0, [started, timer]));
    for (const [key] of store.data.indexes.timers.range()) store.data.indexes.timers.delete(key);
    const { problems } = await checkStore(store);
    expect(problems.join('\n')).toMatch(/timer index: extra \[\], missing \[.*t1\]/);
  });

  it('report a history that does not match its summary', async () => {
    const store = await storeWith(append('r1', 0, [started, timer]));
    store.data.history.delete(historyKey('w', 'r1', 2));
    const { problems } = await checkStore(store);
    expect(problems.join('\n')).toMatch(/historyLength is 2, history says 1/);
  });

  it('report an acknowledged signal recorded nowhere, and one recorded twice', async () => {
    const store = await storeWith(append('r1', 0, [started, signal('s1'), signal('s1')]));
    const { snapshot, problems } = await checkStore(store);
    expect(problems.join('\n')).toMatch(/signal s1 recorded twice/);
    const findings = checkSignals(snapshot, new Map(), new Map([['s2', 'w']]));
    expect(findings.lost).toBe(1);
  });

  it('report an outcome announced twice or before it was durable', async () => {
    const model = new DurabilityModel();
    const ledger = new OutcomeLedger();
    const notice: OutcomeNotice = {
      workflowId: 'w',
      runId: 'r1',
      workflowType: 'flow',
      outcome: { type: 'completed', result: 1 },
    };
    expect(ledger.record(notice, model).join()).toMatch(/before its terminal event was durable/);
    expect(ledger.record(notice, model).join()).toMatch(/second outcome/);
    expect(ledger.duplicates).toBe(1);
  });
});
