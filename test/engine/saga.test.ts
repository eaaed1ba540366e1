import { afterEach, describe, expect, it } from 'vitest';
import {
  WorkflowCancelledError,
  WorkflowTerminatedError,
  defineActivity,
  defineWorkflow,
} from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { after, expectEquivalentAtEveryCrashPoint } from '../helpers/crash-points.js';
import type { Scenario, StoredRun } from '../helpers/crash-points.js';

let ledger: string[] = [];

const book = defineActivity('book', async (what: string) => {
  ledger.push(`book ${what}`);
  return `${what}#1`;
});
const unbook = defineActivity('unbook', async (booking: string) => {
  ledger.push(`unbook ${booking}`);
  return `cancelled ${booking}`;
});

/**
 * Books a flight, a hotel and a car an hour apart. On any failure or
 * cancellation it undoes what it booked, newest first, and rethrows.
 */
const trip = defineWorkflow('trip', async (ctx, name: string) => {
  const compensations: Array<() => Promise<unknown>> = [];
  let stage = 'starting';
  ctx.onQuery('stage', () => stage);
  try {
    for (const what of ['flight', 'hotel', 'car']) {
      stage = `booking ${what}`;
      const booking = await ctx.activity(book, `${what} for ${name}`);
      compensations.unshift(() => ctx.activity(unbook, booking));
      await ctx.sleep('1h');
    }
    stage = 'booked';
    return 'booked';
  } catch (error) {
    stage = 'compensating';
    for (const compensate of compensations) await compensate();
    stage = 'compensated';
    throw error;
  }
});

/** Acts while the saga sleeps after booking the hotel (its second timer). */
function midway(label: string, act: (engine: Engine) => Promise<unknown>) {
  return { label, when: after('TimerStarted', { timerId: 't2' }), act };
}

const cancelledScenario: Scenario = {
  name: 'saga cancelled',
  workflows: [trip],
  activities: [book, unbook],
  start: (engine) => engine.start(trip, 'ada', { workflowId: 'trip-1' }),
  steps: [
    midway('stage before', (engine) => engine.query('trip-1', 'stage')),
    {
      ...midway('cancel', (engine) => engine.cancel('trip-1', 'customer changed plans')),
      effect: 'WorkflowCancelRequested' as const,
    },
  ],
};

const terminatedScenario: Scenario = {
  ...cancelledScenario,
  name: 'saga terminated',
  steps: [
    {
      ...midway('terminate', (engine) => engine.terminate('trip-1', 'fraud suspected')),
      effect: 'WorkflowTerminated' as const,
    },
  ],
};

function activityTypes(scenarioRuns: readonly StoredRun[]): string[] {
  return scenarioRuns.flatMap((run) =>
    run.history.flatMap((e) => (e.type === 'ActivityScheduled' ? [String(e.input)] : [])),
  );
}

let env: TestEnvironment | undefined;
afterEach(async () => {
  ledger = [];
  await env?.close();
  env = undefined;
});

describe('saga with compensation', () => {
  it('runs the compensations newest first when cancelled mid-way, and ends cancelled', async () => {
    env = await TestEnvironment.create({ workflows: [trip], activities: [book, unbook] });
    const handle = await env.engine.start(trip, 'ada', { workflowId: 'trip-1' });
    await env.skip('1h');
    expect(await handle.query('stage')).toBe('booking hotel');
    await handle.cancel('customer changed plans');
    const error = await env.result(handle).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkflowCancelledError);
    expect(ledger).toEqual([
      'book flight for ada',
      'book hotel for ada',
      'unbook hotel for ada#1',
      'unbook flight for ada#1',
    ]);
    expect((await handle.history()).at(-1)).toMatchObject({
      type: 'WorkflowCancelled',
      reason: 'customer changed plans',
    });
  });

  it('runs no compensation when terminated mid-way', async () => {
    env = await TestEnvironment.create({ workflows: [trip], activities: [book, unbook] });
    const handle = await env.engine.start(trip, 'ada', { workflowId: 'trip-1' });
    await env.skip('1h');
    await env.idle();
    await handle.terminate('fraud suspected');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowTerminatedError);
    await env.skip('1d');
    expect(ledger).toEqual(['book flight for ada', 'book hotel for ada']);
    await expect(handle.query('stage')).rejects.toMatchObject({ code: 'WORKFLOW_NOT_RUNNING' });
  });

  it('compensates the same way after a crash at every commit', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(cancelledScenario);
    expect(recording.steps[0]?.answer).toEqual({ value: 'booking hotel' });
    expect(activityTypes(recording.runs)).toEqual([
      'flight for ada',
      'hotel for ada',
      'hotel for ada#1',
      'flight for ada#1',
    ]);
    expect(recording.runs[0]?.history.at(-1)).toMatchObject({ type: 'WorkflowCancelled' });
  });

  it('compensates nothing after a termination, whatever the crash point', async () => {
    const recording = await expectEquivalentAtEveryCrashPoint(terminatedScenario);
    expect(activityTypes(recording.runs)).toEqual(['flight for ada', 'hotel for ada']);
    expect(recording.runs[0]?.history.at(-1)).toMatchObject({ type: 'WorkflowTerminated' });
  });
});
