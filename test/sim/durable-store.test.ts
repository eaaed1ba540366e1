import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { DurabilityModel } from './durable-store.js';

const T0 = Date.UTC(2024, 0, 1);

/** An append that starts run `runId` of workflow `w`. */
function start(runId: string): RunAppend {
  const event = {
    seq: 1,
    recordedAt: T0,
    workflowId: 'w',
    runId,
    type: 'WorkflowStarted',
    workflowType: 'flow',
    input: null,
    version: 1,
  } as HistoryEvent;
  return { workflowId: 'w', runId, expectedSeq: 0, events: [event] };
}

/** An append that completes run `runId` (after its start). */
function complete(runId: string): RunAppend {
  const event = {
    seq: 2,
    recordedAt: T0,
    workflowId: 'w',
    runId,
    type: 'WorkflowCompleted',
    result: 1,
  } as HistoryEvent;
  return { workflowId: 'w', runId, expectedSeq: 1, events: [event] };
}

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The run ids the durable tables hold, with their history lengths. */
async function durable(model: DurabilityModel): Promise<Record<string, number>> {
  const page = await model.durableStore.listRuns({ limit: 100 });
  return Object.fromEntries(page.items.map((run) => [run.runId, run.historyLength]));
}

describe('DurabilityModel', () => {
  it('moves a commit from queued to written to acknowledged, as told', async () => {
    const model = new DurabilityModel();
    const store = model.open();
    let acked = false;
    void store.commit([start('r1')]).then(() => (acked = true));
    await turn();
    // Queued: invisible, not on disk.
    expect(await store.getRun('w', 'r1')).toBeUndefined();
    expect(await durable(model)).toEqual({});
    expect(model.write()).toBe(1);
    // Written: visible and on disk, its caller still waiting.
    expect(await store.getRun('w', 'r1')).toMatchObject({ historyLength: 1 });
    expect(await durable(model)).toEqual({ r1: 1 });
    expect(acked).toBe(false);
    expect(model.ack()).toBe(1);
    await turn();
    expect(acked).toBe(true);
    expect(model.isAcked('w', 'r1', 1)).toBe(true);
  });

  it('checks a queued commit against the heads the commits before it leave', async () => {
    const model = new DurabilityModel();
    const store = model.open();
    const first = store.commit([start('r1')]);
    // r1 is only queued, yet its completion is accepted behind it...
    const second = store.commit([complete('r1')]);
    // ...and a second start of r1 is refused at once.
    const error: unknown = await store.commit([start('r1')]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'SEQUENCE_CONFLICT' });
    expect(model.ack()).toBe(2);
    await Promise.all([first, second]);
    expect(await durable(model)).toEqual({ r1: 2 });
  });

  it('keeps written commits and an in-order prefix of the queued ones at a crash', async () => {
    const model = new DurabilityModel();
    const store = model.open();
    for (const append of [start('r1'), start('r2'), start('r3'), complete('r1')]) {
      void store.commit([append]);
    }
    await turn();
    model.ack(1);
    model.write(1);
    // r1 acknowledged, r2 written; of r3 and r1's end, the first reached the disk.
    expect(model.crash(1)).toEqual({ kept: 2, lost: 1 });
    expect(await durable(model)).toEqual({ r1: 1, r2: 1, r3: 1 });
    expect(model.terminalAcked('w', 'r1')).toBe(false);

    const reopened = model.open();
    expect(await reopened.getRun('w', 'r3')).toMatchObject({ historyLength: 1 });
    expect(await reopened.getRun('w', 'r1')).toMatchObject({ status: 'running' });
  });

  it('keeps or loses a multi-run commit whole', async () => {
    for (const survivors of [0, 1]) {
      const model = new DurabilityModel();
      void model.open().commit([start('a'), start('b')]);
      await turn();
      model.crash(survivors);
      expect(Object.keys(await durable(model)).sort()).toEqual(survivors === 1 ? ['a', 'b'] : []);
    }
  });

  it('freezes a crashed incarnation: nothing it calls ever settles', async () => {
    const model = new DurabilityModel();
    const store = model.open();
    let settled = false;
    void store.commit([start('r1')]).finally(() => (settled = true));
    await turn();
    model.crash(0);
    void store.getRun('w', 'r1').finally(() => (settled = true));
    void store.commit([start('r2')]).finally(() => (settled = true));
    for (let i = 0; i < 5; i++) await turn();
    expect(settled).toBe(false);
  });

  it('rejects a commit the store refuses, and forgets it', async () => {
    const model = new DurabilityModel();
    const refused: unknown[] = [];
    model.onRejected = (_appends, error) => refused.push(error);
    const store = model.open();
    const error: unknown = await store.commit([complete('nope')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(refused).toHaveLength(1);
    expect(model.pending).toBe(0);
  });
});
