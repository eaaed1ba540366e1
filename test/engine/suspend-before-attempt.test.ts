import { describe, expect, it } from 'vitest';
import {
  ApplicationError,
  Engine,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import { DurabilityModel } from '../sim/durable-store.js';
import { ackUntilSettled } from '../helpers/ack-until-settled.js';
import { tick } from '../helpers/wait-until.js';

/**
 * Regression (simulator seed 450, 60 steps): a run was suspended in the
 * moment between an activity's scheduling becoming durable and its first
 * attempt starting (the start waits for durability, a microtask later). No
 * attempt was running and nothing was in flight, so the run looked
 * quiescent to the residency, touched by another run acknowledged in the
 * same batch (as a group commit acknowledges them); the start then went to
 * a stopped actor, and the suspended run, with an activity pending and no
 * timer, waited for a wake-up that never came.
 */

/** Fails for good, a turn after it starts. */
const refuse = defineActivity('refuse', async (n: number): Promise<number> => {
  await tick();
  throw new ApplicationError(`no ${n}`, { nonRetryable: true });
});
const accept = defineActivity('accept', async (n: number) => n);

/** The first activity fails for good; the code reacts with a second one. */
const chain = defineWorkflow('chain', async (ctx, n: number) => {
  await ctx.activity(refuse, n).catch(() => undefined);
  return ctx.activity(accept, n);
});

/** Waits for two signals. */
const waiter = defineWorkflow('waiter', async (ctx, _input: null) => {
  await ctx.signal('go');
  return ctx.signal<number>('go');
});

describe('suspension', () => {
  it('never takes a run whose scheduled activity has not started yet', async () => {
    // Commits are acknowledged when the test says so.
    const model = new DurabilityModel();
    const engine = await Engine.open({
      store: model.open(),
      clock: virtualClock(0),
      workflows: [chain, waiter],
      activities: [refuse, accept],
      maxResidentRuns: 1,
    });
    const settle = <T>(promise: Promise<T>): Promise<T> => ackUntilSettled(model, promise);
    const schedulesAccept = (appends: readonly { events: readonly { type: string }[] }[]) =>
      appends.some((a) =>
        a.events.some(
          (e) =>
            e.type === 'ActivityScheduled' && 'activityType' in e && e.activityType === 'accept',
        ),
      );
    try {
      await settle(engine.start(waiter, null, { workflowId: 'b' }));
      await settle(engine.signal('b', 'go', 0));
      const a = await settle(engine.start(chain, 1, { workflowId: 'a' }));
      // Acknowledge one commit at a time until a's next one schedules `accept`.
      for (let i = 0; i < 200 && !model.peek().some(schedulesAccept); i++) {
        await tick();
        if (!model.peek().some(schedulesAccept)) model.ack(1);
      }
      expect(model.peek().some(schedulesAccept)).toBe(true);
      // b's next commit joins the same batch, behind a's.
      const signalled = engine.signal('b', 'go', 2);
      for (let i = 0; i < 20 && model.pending < 2; i++) await tick();
      expect(model.pending).toBe(2);
      model.ack();

      await settle(signalled);
      expect(await settle(a.result())).toBe(1);
    } finally {
      model.ack();
      await settle(engine.close());
    }
  });
});
