// Run it: node --import tsx docs/examples/activities/non-retryable.ts
import { ActivityFailedError, ApplicationError, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const chargeCard = defineActivity(
  'chargeCard',
  async (card: string) => {
    if (card === 'expired') {
      // By flag: this error never gets another attempt, whatever the policy.
      throw new ApplicationError('card expired', { type: 'CardExpired', nonRetryable: true });
    }
    if (card === 'declined') throw new ApplicationError('card declined', { type: 'CardDeclined' });
    return `charged ${card}`;
  },
  // By name: errors whose `name` is listed end retrying at once.
  { retry: { maxAttempts: 5, initialIntervalMs: 100, nonRetryable: ['CardDeclined'] } },
);

export const checkout = defineWorkflow('checkout', async (ctx, card: string) => {
  try {
    return await ctx.activity(chargeCard, card);
  } catch (error) {
    if (!(error instanceof ActivityFailedError)) throw error;
    // error.lastError is the recorded error of the last attempt.
    return `${error.lastError.name} after ${error.attempts} attempt(s)`;
  }
});

export async function main(): Promise<string[]> {
  return withScratchEngine({ workflows: [checkout], activities: [chargeCard] }, async (engine) => {
    const results = await Promise.all(
      ['visa-4242', 'declined', 'expired'].map(async (card) =>
        (await engine.start(checkout, card)).result(),
      ),
    );
    console.log(results);
    // [ 'charged visa-4242', 'CardDeclined after 1 attempt(s)', 'CardExpired after 1 attempt(s)' ]
    return results;
  });
}

runAsScript(import.meta.url, main);
