import { defineActivity, defineWorkflow } from '../src/index.js';

const touch = defineActivity('touch', async (i: number) => i);

/** In flight for 15 s, longer than starting 10,000 of them takes: an activity, a sleep, an activity. */
export const recoveryWorkflow = defineWorkflow('recoverable', async (ctx, i: number) => {
  await ctx.activity(touch, i);
  await ctx.sleep('15s');
  return ctx.activity(touch, i + 1);
});

export const recoveryDefinitions = { workflows: [recoveryWorkflow], activities: [touch] };
