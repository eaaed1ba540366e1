// Run it: node --import tsx docs/examples/testing/crash.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { TestEnvironment } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';

const charges: string[] = [];

export const charge = defineActivity('charge', async (order: string, actx) => {
  charges.push(actx.idempotencyKey); // the side effect a test wants to count
  return `charged ${order}`;
});

export const checkout = defineWorkflow('checkout', async (ctx, order: string) => {
  let stage = 'charging';
  ctx.onQuery('stage', () => stage);
  const receipt = await ctx.activity(charge, order);
  stage = 'awaiting shipment';
  const tracking = await ctx.signal<string>('shipped', { timeout: '7d' });
  stage = 'done';
  return { receipt, tracking };
});

export async function main(): Promise<{ stage: unknown; result: unknown; charges: number }> {
  const env = await TestEnvironment.create({ workflows: [checkout], activities: [charge] });
  try {
    const handle = await env.engine.start(checkout, 'o-1', { workflowId: 'checkout-o-1' });
    await env.idle(); // the charge is recorded; the run waits for its signal

    // The process dies: the engine is dropped without close(), keeping only
    // what the store acknowledged, and a new engine recovers the runs.
    const engine = await env.crash();
    const stage = await engine.query('checkout-o-1', 'stage'); // answered after replay
    await engine.signal('checkout-o-1', 'shipped', 'TRACK-1');
    const result = await env.result(await engine.getHandle('checkout-o-1', handle.runId));
    console.log(stage, result, charges.length); // awaiting shipment { receipt: 'charged o-1', tracking: 'TRACK-1' } 1
    return { stage, result, charges: charges.length };
  } finally {
    await env.close();
  }
}

runAsScript(import.meta.url, main);
