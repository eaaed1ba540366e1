// Run it: node --import tsx docs/examples/workflows/timer.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const sendReminder = defineActivity('sendReminder', async (invoice: string) => invoice);

export const invoice = defineWorkflow('invoice', async (ctx, id: string) => {
  const reminder = ctx.timer('1s'); // '7d' in real life
  // `fired` rejects with CancelledError once the timer is cancelled: handle both.
  const reminderDue = reminder.fired.then(
    () => 'remind' as const,
    () => 'cancelled' as const,
  );
  const payment = ctx.signal<{ cents: number }>('paid');
  const first = await Promise.race([payment, reminderDue]);
  if (typeof first === 'object') {
    reminder.cancel(); // recorded: the timer never fires, also after a restart
    return { id, paid: first.cents, reminded: false };
  }
  // The reminder fired first.
  await ctx.activity(sendReminder, id);
  return { id, paid: (await payment).cents, reminded: true };
});

export async function main(): Promise<unknown[]> {
  return withScratchEngine({ workflows: [invoice], activities: [sendReminder] }, async (engine) => {
    const prompt = await engine.start(invoice, 'inv-1');
    const late = await engine.start(invoice, 'inv-2');
    await prompt.signal('paid', { cents: 4_200 }); // paid at once: the reminder is cancelled
    setTimeout(() => void late.signal('paid', { cents: 990 }), 1_500); // paid after the reminder
    const results = [await prompt.result(), await late.result()];
    console.log(results);
    // [ { id: 'inv-1', paid: 4200, reminded: false }, { id: 'inv-2', paid: 990, reminded: true } ]
    return results;
  });
}

runAsScript(import.meta.url, main);
