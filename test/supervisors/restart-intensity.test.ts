import { describe, expect, it } from 'vitest';
import { DEFAULT_INTENSITY, inWindow, recordRestart } from 'aion-ts/supervisors';
import { setup, workers } from './support/setup.js';
import { controllable, crash } from './support/workers.js';

describe('restart intensity', () => {
  it('defaults to 3 restarts in 5000 ms', () => {
    expect(DEFAULT_INTENSITY).toEqual({ maxRestarts: 3, withinMs: 5_000 });
    const { root } = setup({ children: workers(['a']) });
    for (let i = 0; i < 3; i++) crash(root, 'a');
    expect(root.getSnapshot().status).toBe('active');
    crash(root, 'a');
    expect(root.getSnapshot().status).toBe('error');
  });

  it('keeps only restart times strictly inside the window', () => {
    expect(inWindow([0, 400, 500, 900], 1_000, 500)).toEqual([900]);
    expect(inWindow([0, 501], 1_000, 500)).toEqual([501]);
  });

  it('reports exceeded on the restart after maxRestarts inside the window', () => {
    const intensity = { maxRestarts: 2, withinMs: 100 };
    const first = recordRestart([], 0, intensity);
    const second = recordRestart(first.log, 10, intensity);
    const third = recordRestart(second.log, 20, intensity);
    expect([first.exceeded, second.exceeded, third.exceeded]).toEqual([false, false, true]);
    expect(recordRestart(second.log, 100, intensity)).toEqual({ log: [10, 100], exceeded: false });
  });

  it('never escalates with maxRestarts Infinity and keeps no history', () => {
    expect(recordRestart([1, 2, 3], 4, { maxRestarts: Infinity, withinMs: 10 })).toEqual({
      log: [],
      exceeded: false,
    });
    const { root } = setup({
      intensity: { maxRestarts: Infinity, withinMs: 1_000 },
      children: workers(['a']),
    });
    for (let i = 0; i < 50; i++) crash(root, 'a');
    expect(root.tree().children[0]?.restarts).toBe(50);
    expect(root.getSnapshot().context.restartLog).toEqual([]);
  });

  it('counts one restart per decision, however many children a group restart starts', () => {
    const { root } = setup({
      strategy: 'one-for-all',
      intensity: { maxRestarts: 1, withinMs: 1_000 },
      children: workers(['a', 'b', 'c']),
    });
    crash(root, 'a');
    expect(root.getSnapshot().status).toBe('active');
    expect(root.tree().restartDecisions).toBe(1);
    crash(root, 'b');
    expect(root.getSnapshot().status).toBe('error');
  });

  it('gives up on a child past its own intensity without escalating the supervisor', () => {
    const { root, log } = setup({
      intensity: { maxRestarts: Infinity, withinMs: 1_000 },
      children: [
        { id: 'flaky', logic: controllable, intensity: { maxRestarts: 1, withinMs: 1_000 } },
        ...workers(['other']),
      ],
    });
    crash(root, 'flaky');
    crash(root, 'flaky');
    expect(log.lines).toEqual(['crashed flaky', 'restarted flaky', 'crashed flaky']);
    expect(log.events[2]).toMatchObject({ decision: 'give-up' });
    expect(root.tree().children.map((c) => c.id)).toEqual(['other']);
    expect(root.getSnapshot().status).toBe('active');
  });

  it("restarts that a child's own limit allows still count against the supervisor", () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 1, withinMs: 1_000 },
      children: [
        { id: 'a', logic: controllable, intensity: { maxRestarts: 5, withinMs: 1_000 } },
        { id: 'b', logic: controllable, intensity: { maxRestarts: 5, withinMs: 1_000 } },
      ],
    });
    crash(root, 'a');
    crash(root, 'b');
    expect(log.lines.slice(-2)).toEqual(['escalated root', 'stopped root']);
  });
});
