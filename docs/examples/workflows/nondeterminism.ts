// Run it: node --import tsx docs/examples/workflows/nondeterminism.ts
import { Engine, defineActivity, defineWorkflow } from 'aion-ts';
import type { WorkflowDescription } from 'aion-ts';
import { replayHistory } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchStore } from '../support/scratch-engine.js';

export const reserve = defineActivity('reserve', async (sku: string) => `rsv-${sku}`);
export const hold = defineActivity('hold', async (sku: string) => `hold-${sku}`);

// Version 1, deployed while runs are in flight.
export const fulfilV1 = defineWorkflow('fulfil', async (ctx, sku: string) => {
  const reservation = await ctx.activity(reserve, sku);
  await ctx.sleep('1s');
  return reservation;
});

// Version 2 changes a step that in-flight runs have already recorded.
export const fulfilV2 = defineWorkflow('fulfil', async (ctx, sku: string) => {
  const reservation = await ctx.activity(hold, sku); // was `reserve`
  await ctx.sleep('1s');
  return reservation;
});

export async function main(): Promise<{
  check: boolean | string;
  blocked: WorkflowDescription['blocked'];
  result: unknown;
}> {
  const activities = [reserve, hold];
  return withScratchStore(async (store) => {
    const v1 = await Engine.open({ store, workflows: [fulfilV1], activities });
    const handle = await v1.start(fulfilV1, 'sku-1', { workflowId: 'fulfil-1' });
    await new Promise((resolve) => setTimeout(resolve, 200)); // `reserve` is recorded
    const history = await handle.history();
    await v1.close();

    // Before deploying, check v2 against recorded histories, without side effects.
    const check = await replayHistory(fulfilV2, history);
    console.log(check.ok || check.error.code); // NONDETERMINISM

    // Deploy v2: replay of fulfil-1 meets `hold` where history has `reserve`.
    const v2 = await Engine.open({ store, workflows: [fulfilV2], activities });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const { status, blocked } = await v2.describe('fulfil-1');
    console.log(status, blocked?.code); // running NONDETERMINISM (nothing recorded, nothing failed)
    await v2.close();

    // Roll back (or fix the code): the run resumes where it was.
    const fixed = await Engine.open({ store, workflows: [fulfilV1], activities });
    const result = await (await fixed.getHandle(handle.workflowId)).result();
    await fixed.close();
    console.log(result); // rsv-sku-1
    return { check: check.ok || check.error.code, blocked, result };
  });
}

runAsScript(import.meta.url, main);
