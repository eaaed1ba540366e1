// Run it: node --import tsx docs/examples/workflows/child-workflows.ts
import {
  ChildWorkflowFailedError,
  ApplicationError,
  defineActivity,
  defineWorkflow,
} from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const printLabel = defineActivity('printLabel', async (parcel: string) => `label:${parcel}`);

/** A child: an ordinary workflow, with its own history, id and outcome. */
export const packParcel = defineWorkflow('packParcel', async (ctx, parcel: string) => {
  if (parcel === 'fragile-vase') throw new ApplicationError('no box big enough', { type: 'NoBox' });
  await ctx.sleep('100ms');
  return ctx.activity(printLabel, parcel);
});

export const shipment = defineWorkflow('shipment', async (ctx, parcels: string[]) => {
  // Start one child and wait for its result...
  const first = await ctx.child(packParcel, parcels[0] ?? 'nothing');
  // ...or start several, then wait: each handle has the child's workflow id.
  const handles = await Promise.all(parcels.slice(1).map((p) => ctx.startChild(packParcel, p)));
  const rest = await Promise.all(
    handles.map((handle) =>
      handle.result().catch((error: unknown) => {
        if (!(error instanceof ChildWorkflowFailedError)) throw error;
        return `${handle.workflowId} failed: ${error.message}`;
      }),
    ),
  );
  return [first, ...rest];
});

export async function main(): Promise<{ labels: string[]; children: string[] }> {
  return withScratchEngine(
    { workflows: [shipment, packParcel], activities: [printLabel] },
    async (engine) => {
      const handle = await engine.start(shipment, ['book', 'lamp', 'fragile-vase'], {
        workflowId: 'shipment-1',
      });
      const labels = await handle.result();
      // Children get `${parentWorkflowId}/${ordinal}` unless given a workflowId.
      const children = (await engine.list({ workflowType: 'packParcel' })).items
        .map((run) => `${run.workflowId} ${run.status}`)
        .sort();
      console.log(labels);
      // [ 'label:book', 'label:lamp', "shipment-1/3 failed: child workflow 'shipment-1/3' failed: no box big enough" ]
      console.log(children); // [ 'shipment-1/1 completed', 'shipment-1/2 completed', 'shipment-1/3 failed' ]
      return { labels, children };
    },
  );
}

runAsScript(import.meta.url, main);
