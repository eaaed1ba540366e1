// Run it: node --import tsx docs/examples/activities/timeouts.ts
import { setTimeout as delay } from 'node:timers/promises';
import { defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

/** The first attempt hangs; the second answers at once. */
export const geocode = defineActivity(
  'geocode',
  async (address: string, actx) => {
    // Pass actx.signal on: it aborts when the attempt times out.
    if (actx.attempt === 1) await delay(60_000, undefined, { signal: actx.signal });
    return { address, lat: 38.72, lon: -9.14 };
  },
  { timeoutMs: 200, retry: { initialIntervalMs: 50 } },
);

export const locate = defineWorkflow('locate', async (ctx, address: string) =>
  ctx.activity(geocode, address),
);

export async function main(): Promise<unknown> {
  return withScratchEngine({ workflows: [locate], activities: [geocode] }, async (engine) => {
    const handle = await engine.start(locate, 'Rua Augusta 1');
    const result = await handle.result();
    const failed = (await handle.history()).find((event) => event.type === 'ActivityFailed');
    console.log(failed?.type === 'ActivityFailed' && failed.error.code); // ACTIVITY_TIMEOUT
    console.log(result); // { address: 'Rua Augusta 1', lat: 38.72, lon: -9.14 }
    return {
      result,
      firstError: failed?.type === 'ActivityFailed' ? failed.error.code : undefined,
    };
  });
}

runAsScript(import.meta.url, main);
