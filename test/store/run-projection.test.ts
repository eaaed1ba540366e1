import { describe, expect, it } from 'vitest';
import { TERMINAL_EVENT_TYPES, statusOfTerminal } from '../../src/core/index.js';
import type { EventBody } from '../../src/core/index.js';
import { applyEvents } from '../../src/store/index.js';
import {
  BASE_TIME,
  eventOf,
  everyTerminalBody,
  startedBody,
} from '../../src/testing/conformance/event-fixtures.js';

const ref = { workflowId: 'w', runId: 'r' };
const events = (...bodies: EventBody[]) => bodies.map((b, i) => eventOf(ref, i + 1, b));

describe('applyEvents', () => {
  it('creates the summary from WorkflowStarted', () => {
    const parent = { workflowId: 'p', runId: 'pr' };
    const s = applyEvents(
      undefined,
      events(startedBody('order', { parent, previousRunId: 'old', version: 3 })),
    );
    expect(s).toStrictEqual({
      workflowId: 'w',
      runId: 'r',
      workflowType: 'order',
      status: 'running',
      startedAt: BASE_TIME + 1,
      parent,
      previousRunId: 'old',
      historyLength: 1,
      version: 3,
      pendingActivities: 0,
      pendingTimers: 0,
      lastEventType: 'WorkflowStarted',
    });
    expect(Object.isFrozen(s)).toBe(true);
  });

  it('sets status, closedAt and nextRunId from each terminal event', () => {
    for (const terminal of everyTerminalBody()) {
      const s = applyEvents(undefined, events(startedBody(), terminal));
      expect(TERMINAL_EVENT_TYPES).toContain(terminal.type);
      expect(s.status).toBe(
        statusOfTerminal(terminal.type as (typeof TERMINAL_EVENT_TYPES)[number]),
      );
      expect(s.closedAt).toBe(BASE_TIME + 2);
      expect(s.nextRunId).toBe(terminal.type === 'WorkflowContinuedAsNew' ? 'next-run' : undefined);
    }
  });

  it('folds incrementally to the same summary as all at once, without touching its input', () => {
    const all = events(
      startedBody(),
      { type: 'SignalReceived', name: 'a', payload: 1 },
      { type: 'WorkflowCompleted', result: 2 },
    );
    const first = applyEvents(undefined, all.slice(0, 1));
    const copy = { ...first };
    expect(applyEvents(first, all.slice(1))).toStrictEqual(applyEvents(undefined, all));
    expect(first).toStrictEqual(copy);
  });

  it('refuses histories that cannot be', () => {
    expect(() =>
      applyEvents(undefined, events({ type: 'SignalReceived', name: 'a', payload: 1 })),
    ).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => applyEvents(undefined, events(startedBody(), startedBody()))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() =>
      applyEvents(
        undefined,
        events(
          startedBody(),
          { type: 'WorkflowCancelled', reason: 'x' },
          { type: 'SignalReceived', name: 'a', payload: 1 },
        ),
      ),
    ).toThrow(expect.objectContaining({ code: 'WORKFLOW_NOT_RUNNING' }));
    expect(() => applyEvents(undefined, [])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
