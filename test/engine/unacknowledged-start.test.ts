import { describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import type { SupervisionEvent } from '../../src/index.js';
import { DurabilityModel } from '../sim/durable-store.js';
import { ackUntilSettled } from '../helpers/ack-until-settled.js';
import { tick } from '../helpers/wait-until.js';

/**
 * Regression (simulator seeds 22, 31, 45, 69; 60 steps): a store may show a
 * commit to reads before it acknowledges it (LevelDB between its write and
 * the callback, MemoryStore between its apply and the resolution). A call
 * that read the latest run in that window woke the next run of a
 * continue-as-new before the engine had published it; publishing it then
 * hosted it a second time: the supervisor refused the duplicate actor
 * (`child ... already exists`, a fault on supervision$), beside a second
 * writer for the same run.
 */

/** Continues as new once, then waits for `go`. */
const chain = defineWorkflow('chain', async (ctx, round: number): Promise<string> => {
  if (round === 0) return ctx.continueAsNew(1);
  return `round ${round}: ${await ctx.signal<string>('go')}`;
});

describe('a run woken before the commit that starts it is acknowledged', () => {
  it('is hosted once', async () => {
    // The simulator's durability model: commits are written (visible) and
    // acknowledged only when told.
    const model = new DurabilityModel();
    const engine = await Engine.open({
      store: model.open(),
      clock: virtualClock(0),
      workflows: [chain],
    });
    const faults: SupervisionEvent[] = [];
    engine.supervision$.subscribe((event) => {
      if (event.type === 'fault' || event.type === 'blocked') faults.push(event);
    });
    const settle = <T>(promise: Promise<T>): Promise<T> => ackUntilSettled(model, promise);
    try {
      const first = await settle(engine.start(chain, 0, { workflowId: 'c' }));
      // Round 0 continues as new: its commit is written, not acknowledged.
      for (let i = 0; i < 100 && model.pending === 0; i++) await tick();
      expect(model.write()).toBe(1);
      expect(model.pending).toBe(1);
      expect((await engine.describe('c')).runId).not.toBe(first.runId);

      await settle(engine.signal('c', 'go', 'now'));
      expect(await settle(first.result())).toBe('round 1: now');
      for (let i = 0; i < 20; i++) await settle(tick());
      expect(faults).toEqual([]);
    } finally {
      model.ack();
      await settle(engine.close());
    }
  });
});
