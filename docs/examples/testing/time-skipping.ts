// Run it: node --import tsx docs/examples/testing/time-skipping.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { TestEnvironment } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';

export const sendReminder = defineActivity('sendReminder', async (day: number) => `day ${day}`);

export const trial = defineWorkflow('trial', async (ctx, days: number) => {
  const sent: string[] = [];
  for (let day = 1; day <= days; day++) {
    await ctx.sleep('1d'); // a durable timer: the test environment skips it
    sent.push(await ctx.activity(sendReminder, day));
  }
  return sent;
});

export async function main(): Promise<{ afterTenDays: number; sent: number; days: number }> {
  // An engine on an in-memory store and a virtual clock: no files, no server.
  const env = await TestEnvironment.create({ workflows: [trial], activities: [sendReminder] });
  try {
    const startedAt = env.clock.now();
    const handle = await env.engine.start(trial, 30);

    // skip(): move virtual time forward, firing every timer that falls due on the way.
    await env.skip('10d');
    const history = await handle.history();
    const afterTenDays = history.filter((e) => e.type === 'ActivityCompleted').length;

    // result(): await the outcome; whenever the engine is idle, jump to the next deadline.
    const sent = await env.result(handle);
    const days = (env.clock.now() - startedAt) / 86_400_000;
    console.log(afterTenDays, sent.length, days); // 10 30 30 (in a few ms of real time)
    return { afterTenDays, sent: sent.length, days };
  } finally {
    await env.close();
  }
}

runAsScript(import.meta.url, main);
