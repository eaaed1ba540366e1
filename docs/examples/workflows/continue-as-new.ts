// Run it: node --import tsx docs/examples/workflows/continue-as-new.ts
import { defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

export const fetchPage = defineActivity('fetchPage', async (page: number) =>
  page < 7 ? [`item-${page}a`, `item-${page}b`] : [],
);

/** Walks pages forever in principle; each run handles 3 pages, then starts afresh. */
export const crawler = defineWorkflow(
  'crawler',
  async (ctx, state: { page: number; seen: number }): Promise<{ seen: number }> => {
    for (let i = 0; i < 3; i++) {
      const items = await ctx.activity(fetchPage, state.page);
      if (items.length === 0) return { seen: state.seen };
      state = { page: state.page + 1, seen: state.seen + items.length };
    }
    // Ends this run and starts a new one, same workflow id, empty history.
    return ctx.continueAsNew(state);
  },
);

export async function main(): Promise<unknown> {
  return withScratchEngine({ workflows: [crawler], activities: [fetchPage] }, async (engine) => {
    const handle = await engine.start(crawler, { page: 0, seen: 0 }, { workflowId: 'crawl' });
    const result = await handle.result(); // follows the chain to the last run
    const runs = await engine.list({ workflowType: 'crawler' }); // newest first
    const statuses = runs.items.map((run) => run.status);
    console.log(result, statuses); // { seen: 14 } [ 'completed', 'continuedAsNew', 'continuedAsNew' ]
    return { result, statuses };
  });
}

runAsScript(import.meta.url, main);
