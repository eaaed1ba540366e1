// Run it: node --import tsx docs/examples/recovery/durability.ts
import { Engine, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchStore } from '../support/scratch-engine.js';

export const ping = defineWorkflow('ping', async () => 'pong');

export async function main(): Promise<string[]> {
  return withScratchStore(async (store) => {
    const results: string[] = [];
    // 'sync' (the default): every write batch is fsynced before anything is
    // acknowledged; survives kill -9 and power loss.
    const safe = await Engine.open({ store, workflows: [ping], durability: 'sync' });
    results.push(await (await safe.start(ping, null)).result());
    await safe.close();
    // 'relaxed': no fsync; survives kill -9 (the OS has the data), but a
    // power loss can take back the last acknowledged writes.
    const fast = await Engine.open({ store, workflows: [ping], durability: 'relaxed' });
    results.push(await (await fast.start(ping, null)).result());
    await fast.close();
    console.log(results); // [ 'pong', 'pong' ]
    return results;
  });
}

runAsScript(import.meta.url, main);
