// Run it: node --import tsx docs/examples/workflows/sleep.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { filter, firstValueFrom } from 'rxjs';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const sendReminder = defineActivity('sendReminder', async (to: string) => `reminded ${to}`);

export const trialReminder = defineWorkflow('trialReminder', async (ctx, user: string) => {
  const started = ctx.now();
  await ctx.sleep('1s'); // '14d' in real life: a durable timer, no process has to stay up
  const sent = await ctx.activity(sendReminder, user);
  return { sent, sleptMs: ctx.now() - started };
});

export async function main(): Promise<{ sent: string; sleptMs: number }> {
  return withScratchEngine(
    { workflows: [trialReminder], activities: [sendReminder] },
    async (engine) => {
      const handle = await engine.start(trialReminder, 'ada@example.com');
      const timer = await firstValueFrom(
        handle.events$.pipe(filter((event) => event.type === 'TimerStarted')),
      );
      console.log(timer); // { type: 'TimerStarted', timerId: 't1', kind: 'sleep', durationMs: 1000, fireAt: ... }
      const result = await handle.result();
      console.log(result); // { sent: 'reminded ada@example.com', sleptMs: 1003 }
      return result;
    },
  );
}

runAsScript(import.meta.url, main);
