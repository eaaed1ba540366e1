// Run it: node --import tsx docs/examples/workflows/deterministic-values.ts
import { Engine, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchStore } from '../support/scratch-engine.js';

export const raffle = defineWorkflow('raffle', async (ctx, entrants: string[]) => {
  const drawnAt = new Date(ctx.now()).toISOString(); // not Date.now()
  const ticket = ctx.uuid(); // not crypto.randomUUID()
  const winner = entrants[Math.floor(ctx.random() * entrants.length)]; // not Math.random()
  ctx.onQuery('draw', () => ({ drawnAt, ticket, winner }));
  await ctx.sleep('1s');
  return { drawnAt, ticket, winner };
});

/** Draws, stops the engine mid-sleep, and lets a new engine replay the run from its history. */
export async function main(): Promise<boolean> {
  return withScratchStore(async (store) => {
    const first = await Engine.open({ store, workflows: [raffle] });
    const handle = await first.start(raffle, ['ada', 'grace', 'linus'], { workflowId: 'raffle-1' });
    const before = await handle.query('draw');
    await first.close(); // the run is asleep; nothing is lost

    const second = await Engine.open({ store, workflows: [raffle] }); // replays raffle-1
    const after = await (await second.getHandle('raffle-1')).result();
    await second.close();
    const same = JSON.stringify(before) === JSON.stringify(after);
    console.log(after, same); // { drawnAt: '…', ticket: '…', winner: '…' } true
    return same;
  });
}

runAsScript(import.meta.url, main);
