import { fromPromise } from 'xstate';
import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/index.js';
import { createSupervisor } from '../../supervisors/index.js';
import type { SupervisorClock } from '../../supervisors/index.js';

describe('restart backoff with a clock that calls back early', () => {
  it('still restarts the child once its backoff is over', async () => {
    const clock = virtualClock(1_000);
    // The first callback for each deadline comes one millisecond early, as a
    // setTimeout can against Date.now(); a second one for it is on time.
    const servedEarly = new Set<number>();
    const early: SupervisorClock = {
      now: () => clock.now(),
      schedule: (at, callback) => {
        if (servedEarly.has(at)) return clock.schedule(at, callback);
        servedEarly.add(at);
        return clock.schedule(at - 1, callback);
      },
    };
    let starts = 0;
    const crashing = fromPromise(async () => {
      starts++;
      throw new Error('boom');
    });
    const root = createSupervisor({
      id: 'root',
      clock: early,
      intensity: { maxRestarts: 100, withinMs: 60_000 },
      backoff: { initialMs: 10, maxMs: 100, factor: 2 },
      children: [{ id: 'job', logic: crashing, restart: 'transient' }],
    }).start();
    const settle = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
    };
    await settle();
    expect(starts).toBe(1);
    for (let round = 0; round < 4; round++) {
      clock.advance(200);
      await settle();
    }
    expect(starts).toBe(5);
    await root.stop();
  });
});
