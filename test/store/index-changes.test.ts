import { describe, expect, it } from 'vitest';
import type { EventBody } from '../../src/core/index.js';
import { applyEvents, indexChanges, listingKey, runKey, timerKey } from '../../src/store/index.js';
import { BASE_TIME, eventOf, startedBody } from '../../src/testing/conformance/event-fixtures.js';

const ref = { workflowId: 'w', runId: 'r' };
const changes = (before: EventBody[], bodies: EventBody[]) => {
  const prior = before.map((b, i) => eventOf(ref, i + 1, b));
  const added = bodies.map((b, i) => eventOf(ref, before.length + i + 1, b));
  return indexChanges(applyEvents(undefined, [...prior, ...added]), added);
};
const t = BASE_TIME + 1;

describe('indexChanges', () => {
  it('indexes a start: latest, non-terminal, and the three listings', () => {
    expect(changes([], [startedBody('order')])).toStrictEqual([
      { op: 'put', index: 'latest', key: 'w', value: 'r' },
      { op: 'put', index: 'nonTerminal', key: runKey('w', 'r'), value: '' },
      { op: 'put', index: 'byStatus', key: listingKey('running', t, 'w', 'r'), value: 'order' },
      { op: 'put', index: 'byType', key: listingKey('order', t, 'w', 'r'), value: '' },
      { op: 'put', index: 'byStart', key: listingKey('', t, 'w', 'r'), value: '' },
    ]);
  });

  it('moves an ending run out of the non-terminal index and to its final status', () => {
    expect(
      changes([startedBody('order')], [{ type: 'WorkflowTimedOut', reason: 'x' }]),
    ).toStrictEqual([
      { op: 'del', index: 'nonTerminal', key: runKey('w', 'r') },
      { op: 'del', index: 'byStatus', key: listingKey('running', t, 'w', 'r') },
      { op: 'put', index: 'byStatus', key: listingKey('timedOut', t, 'w', 'r'), value: 'order' },
    ]);
  });

  it('adds a due-timer entry per started timer and removes it when fired or cancelled', () => {
    const started: EventBody = {
      type: 'TimerStarted',
      timerId: 't',
      fireAt: 500,
      kind: 'sleep',
      durationMs: 5,
    };
    const key = timerKey(500, 'w', 'r', 't');
    expect(changes([startedBody()], [started])).toStrictEqual([
      { op: 'put', index: 'timers', key, value: '' },
    ]);
    for (const type of ['TimerFired', 'TimerCancelled'] as const) {
      expect(
        changes([startedBody(), started], [{ type, timerId: 't', fireAt: 500 }]),
      ).toStrictEqual([{ op: 'del', index: 'timers', key }]);
    }
  });

  it('changes no index for the events of ordinary progress', () => {
    const bodies: EventBody[] = [
      { type: 'SignalReceived', name: 's', payload: 1 },
      { type: 'ActivityCancelled', activityId: 1 },
      { type: 'WorkflowCancelRequested', reason: 'r' },
    ];
    expect(changes([startedBody()], bodies)).toStrictEqual([]);
  });
});
