// Run it: node --import tsx docs/examples/workflows/failing.ts
import { ApplicationError, WorkflowFailedError, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const transfer = defineWorkflow('transfer', async (_ctx, cents: number) => {
  if (cents > 1_000_000) {
    // A business failure: the run ends `failed`, with this error recorded.
    throw new ApplicationError('over the transfer limit', {
      type: 'LimitExceeded',
      details: { cents, limit: 1_000_000 },
    });
  }
  return { transferred: cents };
});

export async function main(): Promise<unknown> {
  return withScratchEngine({ workflows: [transfer] }, async (engine) => {
    const handle = await engine.start(transfer, 5_000_000);
    const error = await handle.result().catch((e: unknown) => e);
    if (!(error instanceof WorkflowFailedError)) throw new Error('expected a failed run');
    console.log(error.code, error.cause); // WORKFLOW_FAILED { name: 'LimitExceeded', message: ..., details: ... }
    return error.cause;
  });
}

runAsScript(import.meta.url, main);
