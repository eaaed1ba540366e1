/**
 * A parent close policy survives a crash between the parent's terminal
 * batch and its effect on the child: the child applies it when loaded.
 */
import { expect, it } from 'vitest';
import { defineWorkflow, virtualClock } from '../../src/index.js';
import type { ParentClosePolicy } from '../../src/index.js';
import { createMemoryStoreData } from '../../src/store/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { openOnTables } from '../helpers/memory-engine.js';
import { waitUntil } from '../helpers/wait-until.js';

const idleChild = defineWorkflow('idleChild', async (ctx, _input: null) => ctx.signal('never'));
const parent = defineWorkflow('parent', async (ctx, policy: ParentClosePolicy) => {
  await ctx.startChild(idleChild, null, { parentClosePolicy: policy });
  return 'parent done';
});

for (const policy of ['terminate', 'cancel'] as const) {
  it(`applies '${policy}' to the child after a crash right after the parent ended`, async () => {
    const data = createMemoryStoreData();
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    let dead = false;
    // The process dies as soon as the parent's terminal batch is durable:
    // nothing after it reaches the disk.
    const dieAfterParentEnds = (appends: readonly RunAppend[]): void => {
      if (dead) throw new Error('process is dead');
      if (
        appends.some(
          (a) => a.workflowId === 'p' && a.events.some((e) => e.type === 'WorkflowCompleted'),
        )
      )
        dead = true;
    };
    const first = await openOnTables(
      data,
      { clock, workflows: [parent, idleChild] },
      dieAfterParentEnds,
    );
    await first.start(parent, policy, { workflowId: 'p' });
    await waitUntil(() => dead, { what: 'the parent to end' });
    await first.close().catch(() => undefined);

    const second = await openOnTables(data, { clock, workflows: [parent, idleChild] });
    try {
      expect((await second.describe('p')).status).toBe('completed');
      await waitUntil(async () => (await second.describe('p/1')).status !== 'running', {
        what: `the '${policy}' policy to end the child`,
        timeoutMs: 2_000,
      });
    } finally {
      await second.close();
    }
  });
}
