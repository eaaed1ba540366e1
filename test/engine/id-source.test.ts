import { monotonicFactory } from 'ulid';
import { describe, expect, it } from 'vitest';
import { Engine, InvalidArgumentError, defineWorkflow, virtualClock } from '../../src/index.js';
import { MemoryStore } from '../../src/testing/index.js';

/** Continues as new once, then returns the id of its second run. */
const chained = defineWorkflow('chained', async (ctx, round: number): Promise<string> => {
  if (round === 0) return ctx.continueAsNew(1);
  return ctx.runId;
});

/** A PRNG that always draws the same sequence, for ids that repeat across engines. */
function countingPrng(): () => number {
  let n = 0;
  return () => ((n++ * 7) % 32) / 32;
}

async function runOnce(): Promise<{ workflowId: string; runIds: string[] }> {
  const clock = virtualClock(Date.UTC(2024, 0, 1));
  const engine = await Engine.open({
    store: new MemoryStore(),
    clock,
    workflows: [chained],
    ids: monotonicFactory(countingPrng()),
  });
  try {
    const handle = await engine.start(chained, 0);
    const last = await handle.result();
    const first = await engine.describe(handle.workflowId, handle.runId);
    return { workflowId: handle.workflowId, runIds: [handle.runId, first.nextRunId ?? '', last] };
  } finally {
    await engine.close();
  }
}

describe('engine id source', () => {
  it('draws run ids and default workflow ids from the injected factory', async () => {
    const first = await runOnce();
    const second = await runOnce();
    expect(second).toEqual(first);
    expect(first.runIds[1]).toBe(first.runIds[2]);
    const [firstRun = '', secondRun = ''] = first.runIds;
    expect(firstRun < secondRun).toBe(true);
    expect(first.workflowId).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
  });

  it('rejects an id source that is not a function with INVALID_ARGUMENT', async () => {
    const error: unknown = await Engine.open({
      store: new MemoryStore(),
      ids: 'not a function' as unknown as () => string,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
