import { describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import { DurabilityModel } from '../sim/durable-store.js';
import { ackUntilSettled } from '../helpers/ack-until-settled.js';
import { tick } from '../helpers/wait-until.js';

/**
 * Regression (simulator seeds 586, 5007 and 5067): `signalWithStart` on a
 * workflow whose run was ending (its terminal event recorded, not yet
 * durable) rejected with `WORKFLOW_NOT_RUNNING`, though the run it found
 * would never take the signal and no other was running: it must start a
 * new run with the signal once the end is durable.
 */

/** The first run ends at once; a later one returns the `go` signal it takes. */
const once = defineWorkflow('once', async (ctx, input: string): Promise<string> => {
  if (input === 'first') return 'first done';
  return `${input}: ${await ctx.signal<string>('go')}`;
});

describe('signalWithStart on a run that is ending', () => {
  it('starts a new run with the signal once the end is durable', async () => {
    // Commits are written and acknowledged only when the test says so.
    const model = new DurabilityModel();
    const engine = await Engine.open({
      store: model.open(),
      clock: virtualClock(0),
      workflows: [once],
    });
    const settle = <T>(promise: Promise<T>): Promise<T> => ackUntilSettled(model, promise);
    try {
      const first = await settle(engine.start(once, 'first', { workflowId: 'o' }));
      // The first run completes: its terminal event is recorded, not acknowledged.
      for (let i = 0; i < 100 && model.pending === 0; i++) await tick();
      expect(model.pending).toBe(1);

      const second = await settle(
        engine.signalWithStart(once, 'second', 'go', 'now', { workflowId: 'o' }),
      );
      expect(second.runId).not.toBe(first.runId);
      expect(await settle(first.result())).toBe('first done');
      expect(await settle(second.result())).toBe('second: now');
    } finally {
      model.ack();
      await settle(engine.close());
    }
  });
});
