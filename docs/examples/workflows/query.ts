// Run it: node --import tsx docs/examples/workflows/query.ts
import { AionError, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const checklist = defineWorkflow('checklist', async (ctx, items: string[]) => {
  const done = new Set<string>();
  // Handlers are synchronous and read-only: they answer from the current state.
  ctx.onQuery('progress', () => ({ done: done.size, of: items.length }));
  ctx.onQuery('isDone', (item) => done.has(String(item)));
  for (const item of items) {
    await ctx.signal<string>('tick'); // one signal per item
    done.add(item);
  }
  return [...done];
});

const codeOf = (error: unknown): unknown => (error instanceof AionError ? error.code : error);

export async function main(): Promise<unknown[]> {
  return withScratchEngine({ workflows: [checklist] }, async (engine) => {
    const handle = await engine.start(checklist, ['milk', 'eggs']);
    await handle.signal('tick');
    const answers: unknown[] = [
      await handle.query('progress'), // { done: 1, of: 2 }
      await handle.query('isDone', 'milk'), // true (arguments after the name)
      await handle.query('nope').catch(codeOf), // 'QUERY_NOT_FOUND'
    ];
    await handle.signal('tick');
    await handle.result();
    answers.push(await handle.query('progress').catch(codeOf));
    console.log(answers); // [ { done: 1, of: 2 }, true, 'QUERY_NOT_FOUND', 'WORKFLOW_NOT_RUNNING' ]
    return answers;
  });
}

runAsScript(import.meta.url, main);
