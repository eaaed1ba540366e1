import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, defineActivity, defineWorkflow } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

/**
 * Regressions (simulator seeds 33 and 74, 60 steps): a terminate or cancel
 * that wakes a suspended run acted on the empty ledger of the host being
 * woken, before its history was read. Termination recorded the terminal
 * event without cancelling the run's open timers and activities (they
 * stayed in the run's summary and in the due-timer index for good); a
 * second cancellation was recorded again.
 */

const ping = defineActivity('ping', async (n: number) => n);

/** Sleeps an hour, then pings. */
const sleeper = defineWorkflow('sleeper', async (ctx, _input: null) => {
  await ctx.sleep('1h');
  return ctx.activity(ping, 1);
});

/** When cancelled, keeps waiting for a signal that never comes. */
const stubborn = defineWorkflow('stubborn', async (ctx, _input: null) => {
  try {
    await ctx.sleep('1h');
  } catch (error) {
    if (!(error instanceof CancelledError)) throw error;
  }
  return ctx.signal<string>('never');
});

let env: TestEnvironment;
afterEach(async () => {
  await env.close();
});

async function create(): Promise<void> {
  env = await TestEnvironment.create({
    workflows: [sleeper, stubborn],
    activities: [ping],
    engine: { idleTimeout: '1s' },
  });
}

describe('operations that wake a suspended run', () => {
  it('terminate cancels the open timers of a suspended run', async () => {
    await create();
    await env.engine.start(sleeper, null, { workflowId: 's-1' });
    await env.skip('5s');
    expect((await env.engine.describe('s-1')).residency).toBe('suspended');

    await env.engine.terminate('s-1', 'no longer needed');
    const history = await env.engine.history('s-1');
    expect(history.map((e) => e.type)).toEqual([
      'WorkflowStarted',
      'TimerStarted',
      'TimerCancelled',
      'WorkflowTerminated',
    ]);
    const description = await env.engine.describe('s-1');
    expect(description).toMatchObject({ status: 'terminated', pendingTimers: 0 });
    expect(await env.store.dueTimers(Number.MAX_SAFE_INTEGER)).toEqual([]);
  });

  it('a second cancel of a suspended run records nothing', async () => {
    await create();
    await env.engine.start(stubborn, null, { workflowId: 'c-1' });
    await env.idle();
    await env.engine.cancel('c-1', 'first');
    await env.skip('5s');
    expect((await env.engine.describe('c-1')).residency).toBe('suspended');

    await env.engine.cancel('c-1', 'second');
    await env.idle();
    const requests = (await env.engine.history('c-1')).filter(
      (e) => e.type === 'WorkflowCancelRequested',
    );
    expect(requests).toMatchObject([{ reason: 'first' }]);
  });
});
