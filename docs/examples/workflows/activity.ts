// Run it: node --import tsx docs/examples/workflows/activity.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const lookupPrice = defineActivity(
  'lookupPrice',
  async (sku: string) => ({ sku, cents: 100 * sku.length }),
  { retry: { maxAttempts: 5 }, timeoutMs: 10_000 }, // the defaults of every call
);

export const quote = defineWorkflow('quote', async (ctx, skus: string[]) => {
  // One at a time: the result is recorded, so replay never calls it again.
  const first = await ctx.activity(lookupPrice, skus[0] ?? 'none');
  // Several at once, with per-call options overriding the definition's.
  const all = await Promise.all(
    skus.map((sku) => ctx.activity(lookupPrice, sku, { timeoutMs: 2_000 })),
  );
  return { first: first.cents, total: all.reduce((sum, price) => sum + price.cents, 0) };
});

export async function main(): Promise<{ first: number; total: number }> {
  return withScratchEngine({ workflows: [quote], activities: [lookupPrice] }, async (engine) => {
    const handle = await engine.start(quote, ['tea', 'coffee', 'cocoa']);
    const result = await handle.result();
    console.log(result); // { first: 300, total: 1400 }
    return result;
  });
}

runAsScript(import.meta.url, main);
