// Run it: node --import tsx docs/examples/testing/disk-faults.ts
import { AionError, defineActivity, defineWorkflow } from 'aion-ts';
import { FaultInjectingStore, TestEnvironment } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';

export const invoice = defineActivity('invoice', async (month: string) => `invoice ${month}`);

export const billing = defineWorkflow('billing', async (ctx, month: string) => {
  await ctx.sleep('10s');
  return ctx.activity(invoice, month);
});

export async function main(): Promise<{ refused: string; reports: string[]; result: string }> {
  let disk: FaultInjectingStore | undefined;
  const env = await TestEnvironment.create({
    workflows: [billing],
    activities: [invoice],
    // Every incarnation's in-memory store, behind a disk that can fail.
    wrapStore: (store, clock) => (disk = new FaultInjectingStore(store, { clock })),
  });
  try {
    const reports: string[] = [];
    env.engine.supervision$.subscribe((event) => {
      if (event.type === 'store-fault' || event.type === 'store-recovered')
        reports.push(event.type);
    });
    const handle = await env.engine.start(billing, '2025-01');

    // The disk fills up while the run sleeps: its timer fires, the write fails.
    await env.idle();
    disk?.fail('ENOSPC');
    await env.skip('10s');
    const refused = await env.engine.start(billing, '2025-02').then(
      () => 'started',
      (error: unknown) => (error instanceof AionError ? error.code : 'other'),
    );

    // Room again: the engine notices at its next probe and the run completes.
    disk?.clear();
    const result = await env.result(handle);
    console.log(refused, reports, result); // STORE_WRITE_FAILED [ 'store-fault', 'store-recovered' ] invoice 2025-01
    return { refused, reports, result };
  } finally {
    await env.close();
  }
}

runAsScript(import.meta.url, main);
