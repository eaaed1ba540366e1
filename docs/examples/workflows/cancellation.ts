// Run it: node --import tsx docs/examples/workflows/cancellation.ts
import { setTimeout as delay } from 'node:timers/promises';
import { CancelledError, WorkflowCancelledError, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const bookRoom = defineActivity('bookRoom', async (trip: string) => `room for ${trip}`);
export const cancelRoom = defineActivity(
  'cancelRoom',
  async (input: { booking: string; reason: string }) => `${input.booking}: ${input.reason}`,
);
export const bookFlight = defineActivity('bookFlight', async (trip: string, actx) => {
  // A slow partner API; actx.signal aborts when the run is cancelled.
  await delay(60_000, undefined, { signal: actx.signal });
  return `flight for ${trip}`;
});

export const trip = defineWorkflow('trip', async (ctx, name: string) => {
  const room = await ctx.activity(bookRoom, name);
  try {
    const flight = await ctx.activity(bookFlight, name);
    return { room, flight };
  } catch (error) {
    if (error instanceof CancelledError) {
      // Compensation: commands keep working after a cancellation request.
      const reason = ctx.cancellation.reason ?? 'cancelled'; // 'customer changed plans'
      await ctx.activity(cancelRoom, { booking: room, reason });
    }
    throw error; // rethrowing CancelledError ends the run `cancelled`
  }
});

export async function main(): Promise<string[]> {
  return withScratchEngine(
    { workflows: [trip], activities: [bookRoom, cancelRoom, bookFlight] },
    async (engine) => {
      const handle = await engine.start(trip, 'lisbon');
      await delay(200); // the flight booking is under way
      await handle.cancel('customer changed plans');
      const outcome = await handle.result().catch((error: unknown) => error);
      console.log(outcome instanceof WorkflowCancelledError); // true
      const types = (await handle.history()).map((event) => event.type);
      console.log(types.slice(3));
      // [ 'ActivityScheduled', 'WorkflowCancelRequested', 'ActivityCancelled',
      //   'ActivityScheduled', 'ActivityCompleted', 'WorkflowCancelled' ]
      return types;
    },
  );
}

runAsScript(import.meta.url, main);
