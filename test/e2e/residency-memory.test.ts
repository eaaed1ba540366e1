import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { Engine, LevelStore, defineWorkflow } from '../../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const RUNS = Number(process.env.RESIDENCY_RUNS ?? 100_000);

const sleeper = defineWorkflow('sleeper', async (ctx, n: number) => {
  const woke = await ctx.withTimeout(ctx.signal<string>('wake'), '1d').catch(() => 'timer');
  return `${n}:${woke}`;
});

describe('residency under load', () => {
  it(
    `keeps heap bounded with ${RUNS} sleeping runs and answers a signal to any of them`,
    { timeout: 180_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'aion-residency-'));
      const store = await LevelStore.open(dir, { durability: 'relaxed' });
      const engine = await Engine.open({ store, workflows: [sleeper], maxResidentRuns: 1000 });
      try {
        gc();
        const before = process.memoryUsage().heapUsed;
        let next = 0;
        await Promise.all(
          Array.from({ length: 64 }, async () => {
            while (next < RUNS) {
              const n = next++;
              await engine.start(sleeper, n, { workflowId: `sleeper-${n}` });
            }
          }),
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        gc();
        const perRun = (process.memoryUsage().heapUsed - before) / RUNS;
        const resident = engine.tree().children.find((n) => n.id === 'workflows')?.children[0]
          ?.children.length;
        expect(resident).toBeLessThanOrEqual(1000);
        // Well under a KiB per stored run, resident runs and the store's
        // bounded summary cache included.
        expect(perRun).toBeLessThan(1024);
        expect((await engine.describe('sleeper-0')).residency).toBe('suspended');
        await engine.signal('sleeper-0', 'wake', 'signal');
        const handle = await engine.getHandle<string>('sleeper-0');
        expect(await handle.result()).toBe('0:signal');
      } finally {
        await engine.close();
        await store.close();
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
