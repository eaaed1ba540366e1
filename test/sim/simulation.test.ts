import { describe, expect, it } from 'vitest';
import { replayCommand } from './sim-result.js';
import { simulate } from './simulation.js';

/**
 * The deterministic simulator in CI: seeds 1..300 (`SIM_SEEDS` for more,
 * `SIM_STEPS` for longer workloads). A failing seed names the command that
 * replays it. See docs/reliability.md.
 */

const seeds = Number(process.env.SIM_SEEDS ?? 300);
const steps = Number(process.env.SIM_STEPS ?? 60);

describe('deterministic simulation', () => {
  for (let seed = 1; seed <= seeds; seed++) {
    it(`seed ${seed} keeps every invariant`, async () => {
      const result = await simulate({ seed, steps });
      expect(result.problems, `replay: ${replayCommand(seed, steps)}`).toEqual([]);
      // Something happened: runs, and the end was reached.
      expect(result.stats.runs).toBeGreaterThan(0);
      expect(result.stats.steps).toBe(steps);
    });
  }
});

describe('simulation determinism', () => {
  it('replays a seed byte for byte: the same trace and the same stored bytes', async () => {
    const first = await simulate({ seed: 4242, steps });
    const second = await simulate({ seed: 4242, steps });
    expect(first.problems).toEqual([]);
    expect(second.digest).toBe(first.digest);
    expect(second.stats).toEqual(first.stats);
  });

  it('gives another seed another execution', async () => {
    const [a, b] = [await simulate({ seed: 7, steps }), await simulate({ seed: 8, steps })];
    expect(a.digest).not.toBe(b.digest);
  });
});
