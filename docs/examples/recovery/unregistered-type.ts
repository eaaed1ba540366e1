// Run it: node --import tsx docs/examples/recovery/unregistered-type.ts
import { Engine, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchStore } from '../support/scratch-engine.js';

export const invoiceRun = defineWorkflow('invoiceRun', async (ctx, month: string) => {
  await ctx.sleep('300ms');
  return `invoiced ${month}`;
});

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export async function main(): Promise<{ whileMissing: unknown; result: string }> {
  return withScratchStore(async (store) => {
    const before = await Engine.open({ store, workflows: [invoiceRun] });
    await before.start(invoiceRun, '2025-01', { workflowId: 'invoices-2025-01' });
    await pause(50);
    await before.close();

    // A deploy that forgot the workflow: the run waits, blocked, never failed.
    const without = await Engine.open({ store, workflows: [] });
    await pause(500); // its timer is due by now, but nothing runs it
    const { status, blocked } = await without.describe('invoices-2025-01');
    console.log(status, blocked?.code); // running UNKNOWN_WORKFLOW_TYPE
    await without.close();

    // The next deploy has the code again: the run resumes and finishes.
    const fixed = await Engine.open({ store, workflows: [invoiceRun] });
    const result = await (await fixed.getHandle<string>('invoices-2025-01')).result();
    await fixed.close();
    console.log(result); // invoiced 2025-01
    return { whileMissing: { status, code: blocked?.code }, result };
  });
}

runAsScript(import.meta.url, main);
