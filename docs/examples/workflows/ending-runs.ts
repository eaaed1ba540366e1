// Run it: node --import tsx docs/examples/workflows/ending-runs.ts
import { AionError, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const subscription = defineWorkflow(
  'subscription',
  async (ctx) => {
    for (;;) await ctx.signal('renew'); // runs until something ends it
  },
  { executionTimeout: '30d' }, // the default for every run of this type
);

export async function main(): Promise<string[]> {
  return withScratchEngine({ workflows: [subscription] }, async (engine) => {
    // Per start, overriding the definition: the run ends `timedOut` after 300 ms.
    const short = await engine.start(subscription, null, { executionTimeout: '300ms' });
    // terminate(): ends the run at once; no workflow code runs, no compensation.
    const doomed = await engine.start(subscription, null);
    await doomed.terminate('fraud suspected');

    const codes = await Promise.all(
      [short, doomed].map((handle) =>
        handle.result().then(
          () => 'completed',
          (error: unknown) => (error instanceof AionError ? error.code : 'other'),
        ),
      ),
    );
    console.log(codes); // [ 'WORKFLOW_TIMED_OUT', 'WORKFLOW_TERMINATED' ]
    return codes;
  });
}

runAsScript(import.meta.url, main);
