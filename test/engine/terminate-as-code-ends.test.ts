import { describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import type { SupervisionEvent } from '../../src/index.js';
import { MemoryStore } from '../../src/testing/index.js';
import { tick } from '../helpers/wait-until.js';

/**
 * Regression (simulator seed 4170, 60 steps): a termination that arrived
 * between the moment the code returned and the moment its end was
 * recorded recorded `WorkflowTerminated`, and then the code's
 * `WorkflowCompleted` followed in the same append: the store refused both,
 * and the run stayed running with nothing left to end it.
 */

/** Returns as soon as it is told to. */
const quick = defineWorkflow('quick', async (ctx, _input: null) => ctx.signal<string>('go'));

describe('termination as the code ends', () => {
  it('records one terminal event whichever comes first', async () => {
    const engine = await Engine.open({
      store: new MemoryStore(),
      clock: virtualClock(0),
      workflows: [quick],
    });
    const faults: SupervisionEvent[] = [];
    engine.supervision$.subscribe((event) => {
      if (event.type === 'fault') faults.push(event);
    });
    try {
      // Sweep where the termination lands, microtask by microtask.
      for (let hops = 0; hops < 30; hops++) {
        const workflowId = `q-${hops}`;
        await engine.start(quick, null, { workflowId });
        for (let i = 0; i < 5; i++) await tick();
        const signalled = engine.signal(workflowId, 'go', 'now');
        for (let i = 0; i < hops; i++) await Promise.resolve();
        const terminated = engine.terminate(workflowId, 'stop').catch((e: unknown) => e);
        await Promise.allSettled([signalled, terminated]);
        for (let i = 0; i < 5; i++) await tick();
        const history = await engine.history(workflowId);
        const ends = history.filter((e) =>
          ['WorkflowCompleted', 'WorkflowTerminated'].includes(e.type),
        );
        expect(ends, `termination after ${hops} microtasks`).toHaveLength(1);
        expect((await engine.describe(workflowId)).status).not.toBe('running');
      }
      expect(faults).toEqual([]);
    } finally {
      await engine.close();
    }
  });
});
