// Run it: node --import tsx docs/examples/testing/replay-check.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import type { HistoryEvent } from 'aion-ts';
import { TestEnvironment, replayHistory } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';

export const reserve = defineActivity('reserve', async (sku: string) => `rsv-${sku}`);
export const notify = defineActivity('notify', async (sku: string) => `notified ${sku}`);

export const restockV1 = defineWorkflow('restock', async (ctx, sku: string) => {
  const reservation = await ctx.activity(reserve, sku);
  await ctx.sleep('1h');
  return reservation;
});

// The next version adds a step before the sleep: recorded runs never took it.
export const restockV2 = defineWorkflow('restock', async (ctx, sku: string) => {
  const reservation = await ctx.activity(reserve, sku);
  await ctx.activity(notify, sku);
  await ctx.sleep('1h');
  return reservation;
});

/** Records a history with the current code, as a CI fixture would be recorded. */
async function record(): Promise<HistoryEvent[]> {
  const env = await TestEnvironment.create({ workflows: [restockV1], activities: [reserve] });
  try {
    const handle = await env.engine.start(restockV1, 'sku-1', { workflowId: 'restock-1' });
    await env.result(handle);
    // Histories are plain data: save them as JSON next to the tests.
    return JSON.parse(JSON.stringify(await handle.history())) as HistoryEvent[];
  } finally {
    await env.close();
  }
}

export async function main(): Promise<{ same: unknown; changed: unknown }> {
  const history = await record();
  // Replays the code against the history: nothing runs, nothing is written.
  const same = await replayHistory(restockV1, history);
  const changed = await replayHistory(restockV2, history);
  if (changed.ok) throw new Error('expected a mismatch');
  console.log(same.ok, changed.error.code, changed.error.details);
  // true NONDETERMINISM { ..., seq: 4, recorded: { kind: 'timer', ... }, found: { kind: 'activity', ... } }
  return {
    same: same.ok && same.outcome,
    changed: { code: changed.error.code, details: changed.error.details },
  };
}

runAsScript(import.meta.url, main);
