import { describe, expect, it } from 'vitest';
import { replayCommand } from './sim-result.js';
import { simulate } from './simulation.js';

/**
 * Seeds that found engine bugs, with what they found (each also has a
 * focused test next to the code it fixed). They replay with the workload of
 * the simulator as it was then: a change to the workload generator makes
 * them simulate something else, so the focused tests are the lasting guard.
 */
const FOUND: ReadonlyArray<{ seed: number; steps: number; bug: string }> = [
  {
    seed: 4,
    steps: 60,
    bug: 'cancellation during a restart cancelled the compensation: the run hung',
  },
  {
    seed: 22,
    steps: 60,
    bug: 'a run woken by a read of its unacknowledged start was hosted twice',
  },
  {
    seed: 31,
    steps: 60,
    bug: 'a run woken by a read of its unacknowledged start was hosted twice',
  },
  { seed: 33, steps: 60, bug: 'terminating a suspended run left its timers open' },
  {
    seed: 37,
    steps: 60,
    bug: 'replayHistory: a run timed out mid-reaction was called nondeterministic',
  },
  { seed: 40, steps: 60, bug: 'carried signals lost their arrival order across names' },
  {
    seed: 56,
    steps: 60,
    bug: 'a live signal reached the code before it caught up with its history',
  },
  { seed: 61, steps: 60, bug: 'recovery left runs with work to do suspended past maxResidentRuns' },
  { seed: 72, steps: 60, bug: 'carried signals lost their arrival order across names' },
  { seed: 74, steps: 60, bug: 'a second cancel of a suspended run was recorded again' },
  {
    seed: 77,
    steps: 60,
    bug: 'replayHistory: a run timed out mid-reaction was called nondeterministic',
  },
  { seed: 97, steps: 60, bug: 'recovery left runs with work to do suspended past maxResidentRuns' },
  {
    seed: 450,
    steps: 60,
    bug: 'a run suspended before its activity attempt started waited forever',
  },
  { seed: 4170, steps: 60, bug: 'a termination as the code ended recorded two terminal events' },
  { seed: 113, steps: 60, bug: 'a woken run was suspended before its caller used it' },
  { seed: 370, steps: 60, bug: 'a woken run was suspended before its caller used it' },
  { seed: 4803, steps: 60, bug: 'a woken parent was suspended before it took its child outcome' },
  { seed: 30159, steps: 200, bug: 'closing during a replay threw ENGINE_CLOSED, unhandled' },
  {
    seed: 586,
    steps: 60,
    bug: 'signalWithStart on an ending run rejected instead of starting one',
  },
  {
    seed: 5007,
    steps: 200,
    bug: 'signalWithStart on an ending run rejected instead of starting one',
  },
  {
    seed: 5067,
    steps: 200,
    bug: 'signalWithStart on an ending run rejected instead of starting one',
  },
];

describe('simulator regressions', () => {
  for (const { seed, steps, bug } of FOUND) {
    it(`seed ${seed}: ${bug}`, async () => {
      const result = await simulate({ seed, steps });
      expect(result.problems, `replay: ${replayCommand(seed, steps)}`).toEqual([]);
    });
  }
});
