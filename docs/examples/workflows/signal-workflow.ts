// Run it: node --import tsx docs/examples/workflows/signal-workflow.ts
import { defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

/** Collects votes until it has three, then reports to the workflow that asked. */
export const ballot = defineWorkflow('ballot', async (ctx, replyTo: string) => {
  const votes: string[] = [];
  while (votes.length < 3) votes.push(await ctx.signal<string>('vote'));
  const winner = votes.filter((v) => v === 'yes').length >= 2 ? 'yes' : 'no';
  await ctx.signalWorkflow(replyTo, 'result', winner); // recorded as SignalSent
  return votes;
});

export const meeting = defineWorkflow('meeting', async (ctx) => {
  return { decision: await ctx.signal<string>('result') };
});

export async function main(): Promise<unknown> {
  return withScratchEngine({ workflows: [ballot, meeting] }, async (engine) => {
    const chair = await engine.start(meeting, null, { workflowId: 'meeting-1' });
    // signalWithStart: starts `ballot-1` with the first vote in one atomic
    // write, or just signals it if it is already running.
    for (const vote of ['yes', 'no', 'yes']) {
      await engine.signalWithStart(ballot, 'meeting-1', 'vote', vote, { workflowId: 'ballot-1' });
    }
    const result = await chair.result();
    console.log(result); // { decision: 'yes' }
    return result;
  });
}

runAsScript(import.meta.url, main);
