import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, TimeoutError, defineActivity, defineWorkflow } from '../../src/index.js';
import type { HistoryEvent, VirtualClock } from '../../src/index.js';
import { TestEnvironment, replayHistory } from '../../src/testing/index.js';
import {
  expectEquivalentAtEveryCrashPoint,
  harnessClock,
  typesOf,
} from '../helpers/crash-points.js';
import type { Scenario } from '../helpers/crash-points.js';

let activityClock: () => VirtualClock = harnessClock;

/** Returns `value` after `ms` of virtual time. */
const slowEcho = defineActivity('slowEcho', async (input: { value: string; ms: number }) => {
  const clock = activityClock();
  await new Promise<void>((resolve) => clock.schedule(clock.now() + input.ms, resolve));
  return input.value;
});

/** Every timer primitive once: fired, cancelled, raced, and the arrival-order rule. */
const timers = defineWorkflow('timers', async (ctx, _input: null) => {
  const log: string[] = [];
  ctx.onQuery('log', () => [...log]);
  const reminder = ctx.timer('1h'); // t1: cancelled before it is due
  const reminderOutcome = reminder.fired.then(
    () => 'fired',
    (error: unknown) => (error instanceof CancelledError ? 'cancelled' : 'other'),
  );
  const short = ctx.timer('1m'); // t2: fires
  await short.fired;
  log.push('short fired');
  reminder.cancel();
  reminder.cancel(); // idempotent
  log.push(`reminder ${await reminderOutcome}`);
  ctx.timer('5m').cancel(); // t3: cancelled at once
  // The operation wins: its timer (t4) is cancelled.
  log.push(await ctx.withTimeout(ctx.activity(slowEcho, { value: 'fast', ms: 0 }), '10m'));
  // The deadline (t5) wins; the activity completes later and loses.
  const late = ctx.activity(slowEcho, { value: 'late', ms: 120_000 });
  try {
    log.push(await ctx.withTimeout(late, '1m'));
  } catch (error) {
    log.push(error instanceof TimeoutError ? 'timed out' : 'other');
  }
  await ctx.sleep('2h'); // t6: the late completion is recorded meanwhile
  log.push(`late activity still delivered: ${await late}`);
  return log;
});

/** Bounded by its execution timeout long before its sleep ends. */
const bounded = defineWorkflow(
  'bounded',
  async (ctx, _input: null) => {
    await ctx.activity(slowEcho, { value: 'first', ms: 0 });
    await ctx.sleep('1h');
    return 'never';
  },
  { executionTimeout: '10m' },
);

/** A bare race, for replaying hand-made histories. */
const race = defineWorkflow('race', async (ctx, _input: null) => {
  try {
    return await ctx.withTimeout(ctx.activity(slowEcho, { value: 'value', ms: 0 }), '1m');
  } catch (error) {
    if (error instanceof TimeoutError) return 'timeout';
    throw error;
  }
});

const EXPECTED_LOG = [
  'short fired',
  'reminder cancelled',
  'fast',
  'timed out',
  'late activity still delivered: late',
];

const timerScenario: Scenario = {
  name: 'timers',
  workflows: [timers],
  activities: [slowEcho],
  start: (engine) => engine.start(timers, null, { workflowId: 'timers-1' }),
  steps: [
    {
      label: 'log after the race',
      when: (events) => events.some((e) => e.type === 'TimerStarted' && e.timerId === 't6'),
      act: (engine) => engine.query('timers-1', 'log'),
    },
  ],
};

const timeoutScenario: Scenario = {
  name: 'execution timeout',
  workflows: [bounded],
  activities: [slowEcho],
  start: (engine) => engine.start(bounded, null, { workflowId: 'bounded-1' }),
};

function timerEvents(history: readonly HistoryEvent[]): string[] {
  return history.flatMap((e) =>
    e.type === 'TimerFired' || e.type === 'TimerCancelled' ? [`${e.type} ${e.timerId}`] : [],
  );
}

let env: TestEnvironment | undefined;
afterEach(async () => {
  activityClock = harnessClock;
  await env?.close();
  env = undefined;
});

describe('timers', () => {
  it('fires, cancels and races durable timers live', async () => {
    env = await TestEnvironment.create({ workflows: [timers], activities: [slowEcho] });
    const clock = env.clock;
    activityClock = () => clock;
    const handle = await env.engine.start(timers, null, { workflowId: 'timers-1' });
    expect(await env.result(handle)).toEqual(EXPECTED_LOG);
    const history = await handle.history();
    expect(timerEvents(history)).toEqual([
      'TimerFired t2',
      'TimerCancelled t1',
      'TimerCancelled t3',
      'TimerCancelled t4',
      'TimerFired t5',
      'TimerFired t6',
    ]);
    // Arrival order: the late completion is recorded after the deadline fired.
    const fired = history.findIndex((e) => e.type === 'TimerFired' && e.timerId === 't5');
    const late = history.findIndex((e) => e.type === 'ActivityCompleted' && e.activityId === 2);
    expect(late).toBeGreaterThan(fired);
    expect((await handle.describe()).pendingTimers).toBe(0);
  });

  it('recovers from a crash at every commit to the same timers and outcome', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(timerScenario);
    expect(recording.runs[0]?.history.at(-1)).toMatchObject({
      type: 'WorkflowCompleted',
      result: EXPECTED_LOG,
    });
    expect(recording.steps[0]?.answer).toEqual({ value: EXPECTED_LOG.slice(0, 4) });
  });

  it('lets a completion recorded after the deadline fired lose, also in replay', async () => {
    env = await TestEnvironment.create({ workflows: [race], activities: [slowEcho] });
    const handle = await env.engine.start(race, null, { workflowId: 'race-1' });
    expect(await env.result(handle)).toBe('value');
    const [started, scheduled, timer, completed, cancelled] = await handle.history();
    expect(typesOf([started, scheduled, timer, completed, cancelled] as HistoryEvent[])).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'TimerStarted',
      'ActivityCompleted',
      'TimerCancelled',
    ]);
    const fired = { ...(cancelled as HistoryEvent), type: 'TimerFired' } as HistoryEvent;
    const renumber = (events: HistoryEvent[]): HistoryEvent[] =>
      events.map((e, i) => ({ ...e, seq: i + 1 }));
    // The same two completions in either recorded order: the first recorded wins.
    const completionFirst = renumber([
      started,
      scheduled,
      timer,
      completed,
      fired,
    ] as HistoryEvent[]);
    const deadlineFirst = renumber([started, scheduled, timer, fired, completed] as HistoryEvent[]);
    expect(await replayHistory(race, completionFirst)).toEqual({
      ok: true,
      outcome: { type: 'completed', result: 'value' },
    });
    expect(await replayHistory(race, deadlineFirst)).toEqual({
      ok: true,
      outcome: { type: 'completed', result: 'timeout' },
    });
  });
});

describe('executionTimeout', () => {
  it('ends the run WorkflowTimedOut after every crash point', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(timeoutScenario);
    const history = recording.runs[0]?.history ?? [];
    expect(history.at(-1)).toMatchObject({ type: 'WorkflowTimedOut' });
    expect(timerEvents(history)).toEqual(['TimerFired x', 'TimerCancelled t1']);
  });
});
