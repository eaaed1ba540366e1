import { afterEach, describe, expect, it } from 'vitest';
import { Engine, defineWorkflow, virtualClock } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { tick } from '../helpers/wait-until.js';

const tempDir = useTempDirs('storm');

const PER_NAME = Number(process.env.STORM ?? 5_000);

interface Received {
  readonly a: number[];
  readonly b: number[];
}

/** Receives `a` and `b` signals alternately until it has `count` of each. */
const storm = defineWorkflow('storm', async (ctx, count: number): Promise<Received> => {
  const got: Received = { a: [], b: [] };
  ctx.onQuery('received', () => got.a.length + got.b.length);
  while (got.a.length < count || got.b.length < count) {
    if (got.a.length < count) got.a.push(await ctx.signal<number>('a'));
    if (got.b.length < count) got.b.push(await ctx.signal<number>('b'));
  }
  return got;
});

/**
 * Receives at most 50 `a` signals per run, then continues as new with what
 * it has, until it has `total`: most signals arrive while some run is ending.
 */
const cycler = defineWorkflow(
  'cycler',
  async (ctx, state: { got: number[]; total: number }): Promise<number[]> => {
    const got = [...state.got];
    for (let i = 0; i < 50 && got.length < state.total; i++) {
      got.push(await ctx.signal<number>('a'));
    }
    if (got.length < state.total) return ctx.continueAsNew({ got, total: state.total });
    return got;
  },
);

let env: TestEnvironment;
afterEach(async () => {
  await env.close();
});

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The payloads of a run's `SignalReceived` events of one name, in recorded order. */
function recorded(history: readonly HistoryEvent[], name: string): unknown[] {
  return history.flatMap((e) =>
    e.type === 'SignalReceived' && e.name === name ? [e.payload] : [],
  );
}

/**
 * Sends `0..count-1` under each name, each name in order, both names at
 * once, so that arrivals interleave with the run's receives. A send that an
 * engine rejects because it died is sent again to the next engine (a
 * rejected signal is not recorded), and only then.
 */
async function sendAll(
  engine: () => Engine,
  count: number,
  onSent: (name: string, i: number) => Promise<void> = async () => undefined,
): Promise<void> {
  const sender = async (name: string): Promise<void> => {
    for (let i = 0; i < count; i++) {
      for (;;) {
        const target = engine();
        try {
          await target.signal('storm', name, i);
          break;
        } catch (error) {
          if (engine() === target && (error as { code?: string }).code !== 'ENGINE_CLOSED')
            throw error;
          // The engine is going down: let the restart happen, then resend.
          await tick();
        }
      }
      await onSent(name, i);
    }
  };
  await Promise.all([sender('a'), sender('b')]);
}

describe('signal storms', () => {
  it('delivers 10,000 signals interleaved with receives: none lost, none twice, in order per name', async () => {
    env = await TestEnvironment.create({ workflows: [storm] });
    const handle = await env.engine.start(storm, PER_NAME, { workflowId: 'storm' });
    await sendAll(() => env.engine, PER_NAME);
    const got = await env.result(handle);
    expect(got.a).toEqual(range(PER_NAME));
    expect(got.b).toEqual(range(PER_NAME));
    const history = await handle.history();
    expect(recorded(history, 'a')).toEqual(range(PER_NAME));
    expect(recorded(history, 'b')).toEqual(range(PER_NAME));
  });

  it('loses and duplicates nothing across a crash in the middle of the storm', async () => {
    env = await TestEnvironment.create({ workflows: [storm] });
    const handle = await env.engine.start(storm, PER_NAME, { workflowId: 'storm' });
    let crashed = false;
    let receivedAtCrash = 0;
    await sendAll(
      () => env.engine,
      PER_NAME,
      async (name, i) => {
        if (crashed || name !== 'a' || i !== PER_NAME / 2) return;
        crashed = true;
        receivedAtCrash = await env.engine.query<number>('storm', 'received');
        // The `b` sender has a signal in flight: it dies with the engine.
        await env.crash();
      },
    );
    expect(crashed).toBe(true);
    // The crash came while the run was still receiving.
    expect(receivedAtCrash).toBeGreaterThan(0);
    expect(receivedAtCrash).toBeLessThan(2 * PER_NAME);
    const latest = await env.engine.getHandle<Received>('storm', handle.runId);
    const got = await env.result(latest);
    expect(got.a).toEqual(range(PER_NAME));
    expect(got.b).toEqual(range(PER_NAME));
    const history = await latest.history();
    expect(recorded(history, 'a')).toEqual(range(PER_NAME));
    expect(recorded(history, 'b')).toEqual(range(PER_NAME));
    expect(history.filter((e) => e.type === 'WorkflowCompleted')).toHaveLength(1);
  });

  it('carries every signal across continue-as-new while a storm is under way', async () => {
    env = await TestEnvironment.create({ workflows: [cycler] });
    const total = 2_000;
    const handle = await env.engine.start(cycler, { got: [], total }, { workflowId: 'cycler' });
    // Two senders, each in order: arrivals race with every run's end.
    await Promise.all(
      [0, 1].map(async (lane) => {
        for (let i = lane; i < total; i += 2) await env.engine.signal('cycler', 'a', i);
      }),
    );
    const got = await env.result(handle);
    expect(got).toHaveLength(total);
    expect([...got].sort((x, y) => x - y)).toEqual(range(total));
    // Per sender, the order of consumption is the order of sending.
    for (const lane of [0, 1]) {
      const mine = got.filter((n) => n % 2 === lane);
      expect(mine).toEqual([...mine].sort((x, y) => x - y));
    }
    const runs = (await env.engine.list({ workflowType: 'cycler', limit: 1_000 })).items;
    expect(runs).toHaveLength(total / 50);
  });

  it('keeps every signal of a storm across a reopen of a LevelDB store', async () => {
    const dir = await tempDir();
    const clock = virtualClock(Date.UTC(2024, 0, 1));
    const open = (): Promise<Engine> =>
      Engine.open({ store: dir, durability: 'relaxed', clock, workflows: [storm] });
    const count = 1_000;
    let engine = await open();
    try {
      const handle = await engine.start(storm, count, { workflowId: 'storm' });
      await sendAll(
        () => engine,
        count,
        async (name, i) => {
          if (name !== 'a' || i !== count / 2) return;
          await engine.close();
          engine = await open();
        },
      );
      const got = await (await engine.getHandle<Received>('storm', handle.runId)).result();
      expect(got.a).toEqual(range(count));
      expect(got.b).toEqual(range(count));
      expect(recorded(await engine.history('storm'), 'b')).toEqual(range(count));
    } finally {
      await engine.close();
    }
  });
});
