import { describe, expect, it } from 'vitest';
import { decode } from '../../src/core/index.js';
import type { HistoryEvent } from '../../src/core/index.js';
import { planCommit } from '../../src/store/commit-plan.js';

describe('planCommit encoding', () => {
  it('stores an event without its envelope ids, own fields only, and an own __proto__ as data', () => {
    const hostile = JSON.parse(
      '{"seq":1,"recordedAt":5,"workflowId":"w","runId":"r","type":"WorkflowStarted",' +
        '"workflowType":"T","input":1,"version":1,"__proto__":{"polluted":1}}',
    ) as HistoryEvent;
    const inherited = Object.assign(Object.create({ inherited: 1 }) as object, {
      seq: 2,
      recordedAt: 6,
      workflowId: 'w',
      runId: 'r',
      type: 'SignalReceived',
      name: 'n',
      payload: 1,
    }) as HistoryEvent;
    const plan = planCommit(
      [{ workflowId: 'w', runId: 'r', expectedSeq: 0, events: [hostile, inherited] }],
      () => undefined,
    );
    const [started, signal] = plan.historyValues.map((bytes) => decode(bytes) as object);
    expect(Object.getPrototypeOf(started)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // msgpackr reads an own __proto__ key back as __proto_ (never a prototype).
    expect(started).toEqual({
      recordedAt: 5,
      type: 'WorkflowStarted',
      workflowType: 'T',
      input: 1,
      version: 1,
      __proto_: { polluted: 1 },
    });
    expect(signal).toEqual({ recordedAt: 6, type: 'SignalReceived', name: 'n', payload: 1 });
    expect(Object.keys(signal as object)).not.toContain('inherited');
  });
});
