// The engine's supervision tree: a crashing run is restarted by replay, and
// past its intensity it fails with CRASH_LOOP while other runs carry on.
import { Engine, defineWorkflow } from 'aion-ts';
import type { SupervisionEvent, TreeNode } from 'aion-ts';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let attempts = 0;
/** Throws a plain Error (a crash, not an ApplicationError) twice, then succeeds. */
export const flaky = defineWorkflow('flaky', async (ctx) => {
  attempts++;
  if (attempts <= 2) throw new Error(`crash #${attempts}`);
  await ctx.sleep(10);
  return 'recovered';
});

/** Always crashes: after 3 restarts in 60 s the run fails with CRASH_LOOP. */
export const broken = defineWorkflow('broken', async () => {
  throw new Error('always');
});

export async function main(): Promise<{
  flaky: string;
  broken: string;
  events: string[];
  types: string[];
}> {
  const store = await mkdtemp(join(tmpdir(), 'aion-tree-'));
  const engine = await Engine.open({
    store,
    workflows: [flaky, broken],
    runBackoff: { initialMs: 1, maxMs: 10, factor: 2 },
  });
  const events: string[] = [];
  engine.supervision$.subscribe((event: SupervisionEvent) => events.push(event.type));
  const ok = await engine.start(flaky, null);
  const bad = await engine.start(broken, null);
  // engine / workflows / <type> / <runId>: one supervisor per workflow type.
  const workflows = engine.tree().children.find((node: TreeNode) => node.id === 'workflows');
  const types = workflows?.children.map((node) => node.id) ?? [];
  const flakyResult = await ok.result();
  const brokenResult = await bad
    .result()
    .catch((error: { code?: string }) => error.code ?? 'error');
  await engine.close();
  return { flaky: flakyResult, broken: String(brokenResult), events, types };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(await main());
