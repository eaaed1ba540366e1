import { describe, expect, it } from 'vitest';
import { backoffDelay } from 'aion-ts/supervisors';
import { flush, restartCounts, setup, workers } from './support/setup.js';
import { crash } from './support/workers.js';

const backoff = { initialMs: 100, maxMs: 350, factor: 2 };

describe('restart backoff', () => {
  it('computes min(maxMs, initialMs * factor^attempt)', () => {
    expect([0, 1, 2, 3].map((n) => backoffDelay(backoff, n, 0))).toEqual([100, 200, 350, 350]);
    expect(backoffDelay(undefined, 5, 0)).toBe(0);
  });

  it('scales the delay into [1 - jitter, 1] with the injected entropy', () => {
    const jittered = { ...backoff, jitter: 0.5 };
    expect(backoffDelay(jittered, 0, 0)).toBe(100);
    expect(backoffDelay(jittered, 0, 0.5)).toBe(75);
    expect(backoffDelay(jittered, 0, 0.999_999)).toBeGreaterThan(50);
  });

  it('delays a restart on the supervisor clock and reports the child as restarting meanwhile', () => {
    const { root, clock, log } = setup({
      backoff,
      intensity: { maxRestarts: 10, withinMs: 10_000 },
      children: workers(['a']),
    });
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a']);
    expect(root.tree().children[0]?.status).toBe('restarting');
    expect(root.child('a')).toBeUndefined();
    clock.advance(99);
    expect(log.lines).toEqual(['crashed a']);
    clock.advance(1);
    expect(log.lines).toEqual(['crashed a', 'restarted a']);
    expect(log.events[1]?.at).toBe(100);
    expect(root.tree().children[0]?.status).toBe('running');
  });

  it("grows exponentially with the child's restarts inside the window, up to maxMs", () => {
    const { root, clock, log } = setup({
      backoff,
      intensity: { maxRestarts: 10, withinMs: 10_000 },
      children: workers(['a']),
    });
    const delays: number[] = [];
    for (let i = 0; i < 4; i++) {
      crash(root, 'a');
      const crashedAt = clock.now();
      while (log.lines.length % 2 === 1) clock.advance(1);
      delays.push(clock.now() - crashedAt);
    }
    expect(delays).toEqual([100, 200, 350, 350]);
  });

  it('starts again from initialMs once earlier restarts have left the window', () => {
    const { root, clock } = setup({
      backoff,
      intensity: { maxRestarts: 10, withinMs: 1_000 },
      children: workers(['a']),
    });
    crash(root, 'a');
    clock.advance(100);
    crash(root, 'a');
    clock.advance(200);
    clock.advance(1_000);
    crash(root, 'a');
    clock.advance(99);
    expect(root.child('a')).toBeUndefined();
    clock.advance(1);
    expect(root.child('a')).toBeDefined();
  });

  it('uses the injected random source for jitter', () => {
    const { root, clock, log } = setup({
      backoff: { ...backoff, jitter: 0.5 },
      random: () => 0.5,
      children: workers(['a']),
    });
    crash(root, 'a');
    clock.advance(74);
    expect(log.lines).toEqual(['crashed a']);
    clock.advance(1);
    expect(log.lines).toEqual(['crashed a', 'restarted a']);
  });

  it('stops the group at once and restarts it together after the delay (one-for-all)', () => {
    const { root, clock, log } = setup({
      strategy: 'one-for-all',
      backoff,
      children: workers(['a', 'b', 'c']),
    });
    crash(root, 'b');
    expect(log.lines).toEqual(['crashed b', 'stopped c', 'stopped a']);
    expect(root.tree().children.map((c) => c.status)).toEqual([
      'restarting',
      'restarting',
      'restarting',
    ]);
    clock.advance(100);
    expect(log.lines.slice(3)).toEqual(['restarted a', 'restarted b', 'restarted c']);
  });

  it('folds a child waiting for its restart into a later group restart (rest-for-one)', () => {
    const { root, clock, log } = setup({
      strategy: 'rest-for-one',
      backoff,
      intensity: { maxRestarts: 10, withinMs: 10_000 },
      children: workers(['a', 'b']),
    });
    crash(root, 'b'); // b due at 100
    clock.advance(50);
    crash(root, 'a'); // a and b due at 150
    clock.advance(50);
    expect(log.lines).toEqual(['crashed b', 'crashed a']);
    clock.advance(50);
    expect(log.lines).toEqual(['crashed b', 'crashed a', 'restarted a', 'restarted b']);
    expect(restartCounts(root)).toEqual(['a:1', 'b:1']);
  });

  it('cancels pending restarts when the supervisor stops', async () => {
    const { root, clock, log } = setup({ backoff, children: workers(['a', 'b']) });
    crash(root, 'a');
    expect(clock.pending()).toBe(1);
    await root.stop();
    expect(log.lines).toEqual(['crashed a', 'stopped b', 'stopped a', 'stopped root']);
    expect(clock.pending()).toBe(0);
    clock.advance(1_000);
    await flush();
    expect(log.lines).toHaveLength(4);
  });
});
