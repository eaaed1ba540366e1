// Run it: node --import tsx docs/examples/workflows/with-timeout.ts
import { setTimeout as delay } from 'node:timers/promises';
import { TimeoutError, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const fetchRates = defineActivity(
  'fetchRates',
  async (slowMs: number, actx) => {
    await delay(slowMs, undefined, { signal: actx.signal });
    return { eur: 0.92 };
  },
  { retry: { maxAttempts: 10, initialIntervalMs: 100 } },
);

export const convert = defineWorkflow(
  'convert',
  async (ctx, input: { usd: number; slowMs: number }) => {
    try {
      // Bounds everything behind the promise, retries and their backoff included.
      const rates = await ctx.withTimeout(ctx.activity(fetchRates, input.slowMs), '500ms');
      return { eur: input.usd * rates.eur, source: 'live' };
    } catch (error) {
      if (!(error instanceof TimeoutError)) throw error;
      return { eur: input.usd * 0.9, source: 'fallback' };
    }
  },
);

export async function main(): Promise<unknown[]> {
  return withScratchEngine({ workflows: [convert], activities: [fetchRates] }, async (engine) => {
    const fast = await engine.start(convert, { usd: 100, slowMs: 10 });
    const slow = await engine.start(convert, { usd: 100, slowMs: 5_000 });
    const results = [await fast.result(), await slow.result()];
    console.log(results); // [ { eur: 92, source: 'live' }, { eur: 90, source: 'fallback' } ]
    // The abandoned activity was cancelled when the run ended:
    console.log((await slow.history()).map((event) => event.type).slice(-3));
    // [ 'TimerFired', 'ActivityCancelled', 'WorkflowCompleted' ]
    return results;
  });
}

runAsScript(import.meta.url, main);
