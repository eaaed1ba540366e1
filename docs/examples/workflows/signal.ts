// Run it: node --import tsx docs/examples/workflows/signal.ts
import { TimeoutError, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export interface Decision {
  readonly approved: boolean;
  readonly by: string;
}

export const expenseClaim = defineWorkflow('expenseClaim', async (ctx, cents: number) => {
  try {
    // The next `decision` signal not consumed yet; one sent earlier is buffered.
    const decision = await ctx.signal<Decision>('decision', { timeout: '1s' });
    return `${cents} ${decision.approved ? 'approved' : 'rejected'} by ${decision.by}`;
  } catch (error) {
    if (error instanceof TimeoutError) return `${cents} escalated: no decision within 1s`;
    throw error;
  }
});

export async function main(): Promise<string[]> {
  return withScratchEngine({ workflows: [expenseClaim] }, async (engine) => {
    const quick = await engine.start(expenseClaim, 1_200, { workflowId: 'claim-1' });
    const ignored = await engine.start(expenseClaim, 99_000, { workflowId: 'claim-2' });
    // By workflow id, or through the handle: durable once the promise resolves.
    await engine.signal('claim-1', 'decision', { approved: true, by: 'grace' });
    const results = [await quick.result(), await ignored.result()];
    console.log(results); // [ '1200 approved by grace', '99000 escalated: no decision within 1s' ]
    return results;
  });
}

runAsScript(import.meta.url, main);
