// Run it: node --import tsx docs/examples/testing/memory-store.ts
import { AionError, Engine, defineWorkflow } from 'aion-ts';
import { MemoryStore } from 'aion-ts/testing';
import { runAsScript } from '../support/run-as-script.js';

export const greet = defineWorkflow('greet', async (ctx, name: string) => {
  await ctx.sleep(10);
  return `hello ${name}`;
});

export async function main(): Promise<{ refused: string; reopened: unknown }> {
  // The in-memory reference store: same keys, encoding and indexes as LevelStore.
  const store = new MemoryStore();
  const engine = await Engine.open({ store, workflows: [greet] });

  // Fault injection: the next commit fails and writes nothing.
  store.failNextCommit(new Error('disk full'));
  const refused = await engine.start(greet, 'nobody').then(
    () => 'started',
    (error: unknown) => (error instanceof AionError ? error.code : 'other'),
  );
  const handle = await engine.start(greet, 'ada', { workflowId: 'greet-ada' });
  await engine.close(); // the engine does not close a store it was given
  await store.close();

  // Reopen the same tables, as a new process would reopen a directory.
  const again = new MemoryStore({ data: store.data });
  const reopened = await Engine.open({ store: again, workflows: [greet] });
  const result = await (await reopened.getHandle('greet-ada', handle.runId)).result();
  await reopened.close();
  await again.close();
  console.log(refused, result); // STORE_WRITE_FAILED hello ada
  return { refused, reopened: result };
}

runAsScript(import.meta.url, main);
