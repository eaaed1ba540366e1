// Run it: node --import tsx docs/examples/activities/idempotency.ts
import { ApplicationError, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

/** A pretend payment provider that, like Stripe, deduplicates on an idempotency key. */
const provider = {
  charges: new Map<string, { id: string; cents: number }>(),
  charge(key: string, cents: number): { id: string; cents: number } {
    const existing = this.charges.get(key);
    if (existing !== undefined) return existing; // a repeated request: same charge
    const charge = { id: `ch_${this.charges.size + 1}`, cents };
    this.charges.set(key, charge);
    return charge;
  },
};

export const chargeCard = defineActivity(
  'chargeCard',
  async (cents: number, actx) => {
    // `${workflowId}/${runId}/${activityId}`: the same for every attempt of
    // this activity, also after a crash and recovery.
    const charge = provider.charge(actx.idempotencyKey, cents);
    // The first answer is lost on the way back (a timeout, a crash...).
    if (actx.attempt === 1) throw new ApplicationError('connection reset', { type: 'Network' });
    return charge;
  },
  { retry: { initialIntervalMs: 50 } },
);

export const pay = defineWorkflow('pay', async (ctx, cents: number) =>
  ctx.activity(chargeCard, cents),
);

export async function main(): Promise<{ charge: unknown; charges: number }> {
  return withScratchEngine({ workflows: [pay], activities: [chargeCard] }, async (engine) => {
    const charge = await (await engine.start(pay, 2_500)).result();
    console.log(charge, provider.charges.size); // { id: 'ch_1', cents: 2500 } 1: charged once
    return { charge, charges: provider.charges.size };
  });
}

runAsScript(import.meta.url, main);
