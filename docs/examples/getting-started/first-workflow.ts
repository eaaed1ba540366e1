// Run it: node --import tsx docs/examples/getting-started/first-workflow.ts
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';

// An activity: the only place with side effects (here, a pretend email).
export const sendEmail = defineActivity(
  'sendEmail',
  async (input: { to: string; subject: string }, actx) => {
    // A real mailer would get actx.idempotencyKey to drop duplicates.
    return { messageId: `msg-${actx.idempotencyKey}`, to: input.to };
  },
);

// A workflow: deterministic code that talks to the world through ctx only.
export const welcome = defineWorkflow('welcome', async (ctx, user: { email: string }) => {
  const first = await ctx.activity(sendEmail, { to: user.email, subject: 'Welcome!' });
  await ctx.sleep('1s'); // a durable timer: it survives restarts
  const second = await ctx.activity(sendEmail, { to: user.email, subject: 'Getting on?' });
  return { sent: [first.messageId, second.messageId] };
});

export async function main(): Promise<{ sent: string[] }> {
  // A fresh directory for this example; an application would use './.aion'.
  const store = await mkdtemp(join(tmpdir(), 'aion-first-'));
  const engine = await Engine.open({ store, workflows: [welcome], activities: [sendEmail] });
  try {
    const user = { email: 'ada@example.com' };
    const handle = await engine.start(welcome, user, { workflowId: 'welcome-ada' });
    const result = await handle.result();
    console.log(result); // { sent: [ 'msg-welcome-ada/01J.../1', 'msg-welcome-ada/01J.../2' ] }
    return result;
  } finally {
    await engine.close();
    await rm(store, { recursive: true, force: true });
  }
}

runAsScript(import.meta.url, main);
