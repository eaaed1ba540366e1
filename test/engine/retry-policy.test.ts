import { afterEach, describe, expect, it } from 'vitest';
import {
  ActivityFailedError,
  ApplicationError,
  Engine,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type {
  ActivityDefinition,
  EventStore,
  HistoryEvent,
  TerminalOutcome,
  VirtualClock,
  WorkflowDefinition,
} from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { awaitOutcome } from '../helpers/run-example.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { tick, waitUntil } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);
const tempDir = useTempDirs('retry');

let engines: Engine[] = [];
afterEach(async () => {
  await Promise.all(engines.map((e) => e.close()));
  engines = [];
});

async function open(
  workflow: WorkflowDefinition,
  activity: ActivityDefinition,
  clock: VirtualClock,
  store: string | EventStore = new MemoryStore(),
): Promise<Engine> {
  const engine = await Engine.open({ store, workflows: [workflow], activities: [activity], clock });
  engines.push(engine);
  return engine;
}

async function run(
  workflow: WorkflowDefinition,
  activity: ActivityDefinition,
  input: unknown = null,
): Promise<{ outcome: TerminalOutcome; history: HistoryEvent[]; clock: VirtualClock }> {
  const clock = virtualClock(T0);
  const engine = await open(workflow, activity, clock);
  const handle = await engine.start(workflow, input);
  const outcome = await awaitOutcome(engine, clock, handle.workflowId, handle.runId);
  return { outcome, history: await handle.history(), clock };
}

const failures = (history: HistoryEvent[]) =>
  history.filter(
    (e): e is HistoryEvent & { type: 'ActivityFailed' } => e.type === 'ActivityFailed',
  );

/** A workflow that runs one activity and reports how it failed, if it did. */
function catching(name: string, activity: ActivityDefinition) {
  return defineWorkflow(name, async (ctx, input: unknown) => {
    try {
      return { value: await ctx.activity(activity, input) };
    } catch (error) {
      if (!(error instanceof ActivityFailedError)) throw error;
      return {
        code: error.code,
        attempts: error.attempts,
        lastName: error.lastError.name,
        lastCode: error.lastError.code,
      };
    }
  });
}

describe('activity retry policy', () => {
  it('backs off by initialInterval * coefficient^(n-1), capped by maxInterval, then gives up', async () => {
    const clock = virtualClock(T0);
    const attempts: Array<{ attempt: number; at: number }> = [];
    const failing = defineActivity(
      'alwaysFails',
      async (_input: null, actx) => {
        attempts.push({ attempt: actx.attempt, at: clock.now() });
        throw new Error(`attempt ${actx.attempt} failed`);
      },
      {
        retry: {
          maxAttempts: 5,
          initialIntervalMs: 100,
          backoffCoefficient: 3,
          maxIntervalMs: 1000,
        },
      },
    );
    const workflow = catching('backoff', failing);
    const engine = await open(workflow, failing, clock);
    const handle = await engine.start(workflow, null);
    const outcome = await awaitOutcome(engine, clock, handle.workflowId, handle.runId);
    const history = await handle.history();

    const failed = failures(history);
    expect(failed.map((e) => e.attempt)).toEqual([1, 2, 3, 4, 5]);
    expect(failed.every((e) => e.retryable)).toBe(true);
    expect(failed.map((e) => (e.nextAttemptAt ?? e.recordedAt) - e.recordedAt)).toEqual([
      100, 300, 900, 1000, 0,
    ]);
    expect(failed[4]).not.toHaveProperty('nextAttemptAt');
    const timers = history.filter((e) => e.type === 'TimerStarted');
    expect(timers.map((e) => [e.timerId, e.kind, e.durationMs])).toEqual([
      ['r1.2', 'retry', 100],
      ['r1.3', 'retry', 300],
      ['r1.4', 'retry', 900],
      ['r1.5', 'retry', 1000],
    ]);
    expect(attempts).toEqual([
      { attempt: 1, at: T0 },
      { attempt: 2, at: T0 + 100 },
      { attempt: 3, at: T0 + 400 },
      { attempt: 4, at: T0 + 1300 },
      { attempt: 5, at: T0 + 2300 },
    ]);
    expect(outcome).toEqual({
      type: 'completed',
      result: { code: 'ACTIVITY_FAILED', attempts: 5, lastName: 'Error', lastCode: undefined },
    });
  });

  it('fails the run with the ActivityFailedError when the workflow does not catch it', async () => {
    const failing = defineActivity(
      'failsTwice',
      async (_input: null, actx) => {
        throw new Error(`no luck on attempt ${actx.attempt}`);
      },
      { retry: { maxAttempts: 2, initialIntervalMs: 10 } },
    );
    const workflow = defineWorkflow('uncaught', async (ctx, input: null) => {
      await ctx.activity(failing, input);
      return 'unreachable';
    });
    const { outcome, history } = await run(workflow, failing);
    expect(failures(history).map((e) => e.attempt)).toEqual([1, 2]);
    expect(outcome.type).toBe('failed');
    if (outcome.type !== 'failed') return;
    expect(outcome.error).toMatchObject({
      name: 'ActivityFailedError',
      code: 'ACTIVITY_FAILED',
      cause: { message: 'no luck on attempt 2' },
    });
    expect(history.at(-1)?.type).toBe('WorkflowFailed');
  });

  it('stops at once on an error whose name is listed in nonRetryable', async () => {
    class CardDeclined extends Error {
      override readonly name = 'CardDeclined';
    }
    let calls = 0;
    const charge = defineActivity(
      'charge',
      async () => {
        calls++;
        throw new CardDeclined('insufficient funds');
      },
      { retry: { maxAttempts: 5, initialIntervalMs: 10, nonRetryable: ['CardDeclined'] } },
    );
    const { outcome, history } = await run(catching('declined', charge), charge);
    expect(calls).toBe(1);
    const [failed] = failures(history);
    expect(failed).toMatchObject({ attempt: 1, retryable: false, error: { name: 'CardDeclined' } });
    expect(failed).not.toHaveProperty('nextAttemptAt');
    expect(history.some((e) => e.type === 'TimerStarted')).toBe(false);
    expect(outcome).toMatchObject({
      type: 'completed',
      result: { code: 'ACTIVITY_FAILED', attempts: 1, lastName: 'CardDeclined' },
    });
  });

  it('stops at once on an ApplicationError marked nonRetryable', async () => {
    let calls = 0;
    const validate = defineActivity(
      'validate',
      async () => {
        calls++;
        throw new ApplicationError('bad address', { nonRetryable: true });
      },
      { retry: { maxAttempts: 5, initialIntervalMs: 10 } },
    );
    const { outcome, history } = await run(catching('invalid', validate), validate);
    expect(calls).toBe(1);
    expect(failures(history)).toMatchObject([
      { attempt: 1, retryable: false, error: { name: 'ApplicationError', nonRetryable: true } },
    ]);
    expect(outcome).toMatchObject({ result: { attempts: 1, lastName: 'ApplicationError' } });
  });

  it('retries an ApplicationError that is not marked nonRetryable', async () => {
    const flaky = defineActivity(
      'flakyApp',
      async (_input: null, actx) => {
        if (actx.attempt < 3) throw new ApplicationError('busy');
        return actx.attempt;
      },
      { retry: { maxAttempts: 3, initialIntervalMs: 10 } },
    );
    const { outcome, history } = await run(catching('retried', flaky), flaky);
    expect(failures(history).map((e) => [e.attempt, e.retryable])).toEqual([
      [1, true],
      [2, true],
    ]);
    expect(outcome).toEqual({ type: 'completed', result: { value: 3 } });
  });

  it('fails an attempt that exceeds timeoutMs with ACTIVITY_TIMEOUT and aborts its signal', async () => {
    const aborts: unknown[] = [];
    const slow = defineActivity(
      'slow',
      async (_input: null, actx) => {
        if (actx.attempt === 2) return 'second attempt';
        return new Promise<string>((_resolve, reject) => {
          actx.signal.addEventListener('abort', () => {
            aborts.push(actx.signal.reason);
            reject(new Error('gave up'));
          });
        });
      },
      { timeoutMs: 1_000, retry: { maxAttempts: 2, initialIntervalMs: 50 } },
    );
    const { outcome, history } = await run(catching('timeout', slow), slow);
    const [failed] = failures(history);
    expect(failed).toMatchObject({
      attempt: 1,
      retryable: true,
      recordedAt: T0 + 1_000,
      nextAttemptAt: T0 + 1_050,
      error: { code: 'ACTIVITY_TIMEOUT' },
    });
    expect(aborts).toHaveLength(1);
    expect(aborts[0]).toMatchObject({ code: 'ACTIVITY_TIMEOUT' });
    expect(outcome).toEqual({ type: 'completed', result: { value: 'second attempt' } });
  });

  it('fails an attempt that stops heartbeating and hands its last details to the next one', async () => {
    const clock = virtualClock(T0);
    const seen: unknown[] = [];
    const worker = defineActivity(
      'worker',
      async (_input: null, actx) => {
        seen.push(actx.lastHeartbeatDetails);
        if (actx.attempt > 1) return { resumedFrom: actx.lastHeartbeatDetails };
        // Heartbeat at +300 and +600 (each resets the 500 ms timeout), then hang.
        clock.schedule(clock.now() + 300, () => actx.heartbeat({ progress: 1 }));
        clock.schedule(clock.now() + 600, () => actx.heartbeat({ progress: 2 }));
        return new Promise<never>(() => undefined);
      },
      { heartbeatTimeoutMs: 500, retry: { maxAttempts: 2, initialIntervalMs: 100 } },
    );
    const workflow = catching('heartbeats', worker);
    const engine = await open(workflow, worker, clock);
    const handle = await engine.start(workflow, null);
    const outcome = await awaitOutcome(engine, clock, handle.workflowId, handle.runId);
    const [failed] = failures(await handle.history());
    expect(failed).toMatchObject({
      attempt: 1,
      retryable: true,
      recordedAt: T0 + 1_100,
      error: { code: 'HEARTBEAT_TIMEOUT' },
      heartbeatDetails: { progress: 2 },
    });
    expect(seen).toEqual([undefined, { progress: 2 }]);
    expect(outcome).toEqual({
      type: 'completed',
      result: { value: { resumedFrom: { progress: 2 } } },
    });
  });

  it('continues the attempt count after a restart in the middle of a backoff', async () => {
    const dir = await tempDir();
    const attempts: Array<{ attempt: number; at: number }> = [];
    let clock = virtualClock(T0);
    const flaky = defineActivity(
      'flakyAcrossRestarts',
      async (_input: null, actx) => {
        attempts.push({ attempt: actx.attempt, at: clock.now() });
        if (actx.attempt < 3) throw new Error(`attempt ${actx.attempt} failed`);
        return actx.attempt;
      },
      { retry: { maxAttempts: 4, initialIntervalMs: 5_000, backoffCoefficient: 2 } },
    );
    const workflow = catching('restarts', flaky);

    const first = await open(workflow, flaky, clock, dir);
    const handle = await first.start(workflow, null, { workflowId: 'mid-backoff' });
    await waitUntil(async () => (await handle.history()).some((e) => e.type === 'TimerStarted'), {
      what: 'the first backoff timer',
    });
    await first.close();
    expect(attempts).toEqual([{ attempt: 1, at: T0 }]);

    // A new process: a fresh clock at the same time, the backoff still pending.
    clock = virtualClock(T0 + 1_000);
    const second = await open(workflow, flaky, clock, dir);
    for (let i = 0; i < 20; i++) await tick();
    expect(attempts).toHaveLength(1);
    expect((await second.describe('mid-backoff')).pendingTimers).toBe(1);
    clock.advanceTo(T0 + 5_000);
    await waitUntil(() => attempts.length === 2, { what: 'attempt 2' });
    expect(attempts[1]).toEqual({ attempt: 2, at: T0 + 5_000 });
    await waitUntil(
      async () =>
        (await second.history('mid-backoff')).some(
          (e) => e.type === 'TimerStarted' && e.timerId === 'r1.3',
        ),
      { what: 'the second backoff timer' },
    );
    await second.close();

    // Reopen after the second backoff is already overdue: it fires at once.
    clock = virtualClock(T0 + 60_000);
    const third = await open(workflow, flaky, clock, dir);
    const reopened = await third.getHandle('mid-backoff');
    expect(await reopened.result()).toEqual({ value: 3 });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(attempts[2]!.at).toBe(T0 + 60_000);
    const history = await reopened.history();
    expect(failures(history).map((e) => [e.attempt, e.nextAttemptAt])).toEqual([
      [1, T0 + 5_000],
      [2, T0 + 15_000],
    ]);
    expect(history.filter((e) => e.type === 'ActivityCompleted')).toMatchObject([{ attempt: 3 }]);
    expect(history.filter((e) => e.type === 'TimerFired').map((e) => e.timerId)).toEqual([
      'r1.2',
      'r1.3',
    ]);
  });
});
