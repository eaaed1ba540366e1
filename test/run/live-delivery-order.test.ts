import { describe, expect, it } from 'vitest';
import { defineWorkflow } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { RunExecution } from '../../src/run/index.js';
import type { ExecutionHost, TimerCommand } from '../../src/run/index.js';

/**
 * Regression (simulator seed 56, 60 steps): a signal recorded while a
 * suspended run was being woken reached the code before the code had
 * issued again the commands of its history. The code had waited for that
 * signal with a timeout (a recorded timer); now it found it buffered, took
 * it without starting the timer, and its next command differed from
 * history: the run was blocked for nondeterminism.
 */

const T0 = Date.UTC(2024, 0, 1);
const ids = { workflowId: 'w-1', runId: '01HK15D34NEYYQ2CDX0P2YXWD1' };

/** Awaits something else first, then waits for `a` with a timeout, then sleeps. */
const waiter = defineWorkflow('waiter', async (ctx, _input: null) => {
  await Promise.resolve();
  const got = await ctx.signal<string>('a', { timeout: '5s' }).catch(() => 'timed out');
  await ctx.sleep(0);
  return got;
});

const event = (seq: number, body: Record<string, unknown>): HistoryEvent =>
  ({ ...ids, seq, recordedAt: T0, ...body }) as HistoryEvent;

function host(timers: TimerCommand[]): ExecutionHost {
  return {
    now: () => T0,
    yieldToMicrotasks: () => new Promise((resolve) => setImmediate(resolve)),
    scheduleActivity: () => undefined,
    startTimer: (command) => timers.push(command),
    cancelTimer: () => undefined,
    cancelDelivered: () => undefined,
    sendSignal: () => undefined,
    startChild: () => '',
  };
}

describe('RunExecution', () => {
  it('delivers a live completion only once the code caught up with its history', async () => {
    const history = [
      event(1, { type: 'WorkflowStarted', workflowType: 'waiter', input: null, version: 1 }),
      event(2, {
        type: 'TimerStarted',
        timerId: 't1',
        fireAt: T0 + 5_000,
        kind: 'signal-timeout',
        durationMs: 5_000,
      }),
    ];
    const timers: TimerCommand[] = [];
    const execution = new RunExecution({ definition: waiter, history, host: host(timers) });
    const outcome = execution.run();
    // Recorded after the history was read, delivered as the run is loaded.
    execution.deliver(event(3, { type: 'SignalReceived', name: 'a', payload: 'hello' }));
    await execution.replayed;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));

    expect(execution.settled).toBe(false);
    // The recorded timer was matched, the signal then consumed: the next
    // command is the sleep, live.
    expect(timers).toMatchObject([{ timerId: 't2', durationMs: 0 }]);
    execution.deliver(event(3 + 1, { type: 'TimerFired', timerId: 't2', fireAt: T0 }));
    expect(await outcome).toEqual({ type: 'completed', result: 'hello' });
  });
});
