import { describe, expect, it } from 'vitest';
import { defineActivity, defineWorkflow } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { replayHistory } from '../../src/testing/index.js';

/**
 * Regression (simulator seeds 37 and 77, 60 steps): a run ended from
 * outside (termination, execution timeout) may have been interrupted right
 * after a completion reached its code, before the commands the code issued
 * in reaction were recorded: both timers came due in the same turn, the
 * signal's timeout first. Replaying such a history, the code goes on past
 * the recorded end; `replayHistory` called that nondeterminism.
 */

const step = defineActivity('step', async (n: number) => n);

/** Waits 5 s for a signal, then runs an activity; or completes at once when told to. */
const waiter = defineWorkflow('waiter', async (ctx, input: { finish: boolean }) => {
  const got = await ctx.signal<string>('go', { timeout: '5s' }).catch(() => 'timed out');
  if (input.finish) return got;
  return ctx.activity(step, 1);
});

const T0 = Date.UTC(2024, 0, 1);
const ids = { workflowId: 'w-1', runId: '01HK153X0086H8K73QBFRWD6WP' };

/** The history of a run whose signal timeout and execution timeout fired in the same turn. */
function interrupted(finish: boolean, end: 'WorkflowTimedOut' | 'WorkflowTerminated') {
  const at = T0 + 60_000;
  const events = [
    {
      type: 'WorkflowStarted',
      workflowType: 'waiter',
      input: { finish },
      version: 1,
      executionTimeoutAt: T0 + 20_000,
      recordedAt: T0,
    },
    {
      type: 'TimerStarted',
      timerId: 'x',
      fireAt: T0 + 20_000,
      kind: 'execution',
      durationMs: 20_000,
      recordedAt: T0,
    },
    {
      type: 'TimerStarted',
      timerId: 't1',
      fireAt: T0 + 5_000,
      kind: 'signal-timeout',
      durationMs: 5_000,
      recordedAt: T0,
    },
    { type: 'TimerFired', timerId: 't1', fireAt: T0 + 5_000, recordedAt: at },
    { type: 'TimerFired', timerId: 'x', fireAt: T0 + 20_000, recordedAt: at },
    end === 'WorkflowTimedOut'
      ? { type: end, reason: 'execution timeout', recordedAt: at }
      : { type: end, reason: 'stop', recordedAt: at },
  ];
  return events.map((event, i) => ({ ...event, ...ids, seq: i + 1 }) as HistoryEvent);
}

describe('replayHistory of a run ended from outside', () => {
  it('accepts commands the code issues past a timeout that interrupted it', async () => {
    const replay = await replayHistory(waiter, interrupted(false, 'WorkflowTimedOut'));
    expect(replay).toMatchObject({
      ok: true,
      outcome: { type: 'open', nextCommands: [{ kind: 'activity', name: 'step' }] },
    });
  });

  it('accepts code that would have ended, had a termination not come first', async () => {
    const replay = await replayHistory(waiter, interrupted(true, 'WorkflowTerminated'));
    expect(replay).toMatchObject({ ok: true, outcome: { type: 'completed', result: 'timed out' } });
  });

  it('still reports a command that differs before the end', async () => {
    const history = interrupted(false, 'WorkflowTimedOut');
    const tampered = history.map((event) =>
      event.type === 'TimerStarted' && event.timerId === 't1'
        ? { ...event, durationMs: 6_000, fireAt: T0 + 6_000 }
        : event,
    );
    const replay = await replayHistory(waiter, tampered);
    expect(replay.ok).toBe(false);
    expect(replay.ok ? undefined : replay.error.code).toBe('NONDETERMINISM');
  });
});
