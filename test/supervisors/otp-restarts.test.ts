import { describe, expect, it } from 'vitest';
import { fromPromise } from 'xstate';
import { flush, restartCounts, setup, workers } from './support/setup.js';
import { controllable, crash, finish } from './support/workers.js';

// One test per behaviour the Erlang/OTP `supervisor` documentation (reference
// manual and the "Supervisor Behaviour" design principles) describes, titled
// after the statement it checks: restart strategies and restart types here,
// intensity, trees, shutdown and dynamic children in otp-lifecycle.test.ts.

describe('Erlang supervisor documentation: restart strategies', () => {
  it('one_for_one: restarts only the crashed child', () => {
    const { root, log } = setup({ strategy: 'one-for-one', children: workers(['a', 'b', 'c']) });
    const [a, c] = [root.child('a'), root.child('c')];
    crash(root, 'b');
    expect(log.lines).toEqual(['crashed b', 'restarted b']);
    expect(restartCounts(root)).toEqual(['a:0', 'b:1', 'c:0']);
    expect(root.child('a')).toBe(a);
    expect(root.child('c')).toBe(c);
  });

  it('one_for_all: terminates all other children (reverse start order), then restarts all (start order)', () => {
    const { root, log } = setup({
      strategy: 'one-for-all',
      children: workers(['a', 'b', 'c', 'd']),
    });
    const before = root.child('a');
    crash(root, 'b');
    expect(log.lines).toEqual([
      'crashed b',
      'stopped d',
      'stopped c',
      'stopped a',
      'restarted a',
      'restarted b',
      'restarted c',
      'restarted d',
    ]);
    expect(restartCounts(root)).toEqual(['a:1', 'b:1', 'c:1', 'd:1']);
    expect(root.child('a')).not.toBe(before);
    expect(root.child('a')?.getSnapshot().status).toBe('active');
  });

  it('rest_for_one: terminates the children started after the crashed one, then restarts it and them', () => {
    const { root, log } = setup({
      strategy: 'rest-for-one',
      children: workers(['a', 'b', 'c', 'd']),
    });
    const a = root.child('a');
    crash(root, 'b');
    expect(log.lines).toEqual([
      'crashed b',
      'stopped d',
      'stopped c',
      'restarted b',
      'restarted c',
      'restarted d',
    ]);
    expect(restartCounts(root)).toEqual(['a:0', 'b:1', 'c:1', 'd:1']);
    expect(root.child('a')).toBe(a);
  });

  it('rest_for_one: a crash of the last started child restarts only that child', () => {
    const { root, log } = setup({ strategy: 'rest-for-one', children: workers(['a', 'b', 'c']) });
    crash(root, 'c');
    expect(log.lines).toEqual(['crashed c', 'restarted c']);
  });

  it('one_for_all: dynamically added children are part of the group, in start order', async () => {
    const { root, log } = setup({ strategy: 'one-for-all', children: workers(['a']) });
    await root.startChild({ id: 'dyn', logic: controllable });
    log.clear();
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a', 'stopped dyn', 'restarted a', 'restarted dyn']);
  });
});

describe('Erlang supervisor documentation: restart types', () => {
  it('a permanent child process is always restarted, also after exiting normally', () => {
    const { root, log } = setup({ children: workers(['a']) });
    finish(root, 'a');
    crash(root, 'a');
    expect(log.lines).toEqual(['exited a', 'restarted a', 'crashed a', 'restarted a']);
    expect(log.events[0]).toMatchObject({ type: 'exited', decision: 'restart' });
  });

  it('a transient child exiting normally is not restarted (and is removed)', () => {
    const { root, log } = setup({ children: workers(['a', 'b'], 'transient') });
    finish(root, 'a');
    expect(log.lines).toEqual(['exited a']);
    expect(log.events[0]).toMatchObject({ decision: 'remove' });
    expect(root.tree().children.map((c) => c.id)).toEqual(['b']);
  });

  it('a transient child terminating abnormally is restarted', () => {
    const { root, log } = setup({ children: workers(['a'], 'transient') });
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a', 'restarted a']);
  });

  it('a temporary child process is never restarted, whatever its exit', () => {
    const { root, log } = setup({ children: workers(['a', 'b'], 'temporary') });
    crash(root, 'a');
    finish(root, 'b');
    expect(log.lines).toEqual(['crashed a', 'exited b']);
    expect(log.events.map((e) => ('decision' in e ? e.decision : ''))).toEqual([
      'remove',
      'remove',
    ]);
    expect(root.tree().children).toEqual([]);
  });

  it("a temporary child is not restarted even when a sibling's crash terminates it under one_for_all", () => {
    const { root, log } = setup({
      strategy: 'one-for-all',
      children: [...workers(['a']), ...workers(['t'], 'temporary'), ...workers(['c'])],
    });
    crash(root, 'a');
    expect(log.lines).toEqual([
      'crashed a',
      'stopped c',
      'stopped t',
      'restarted a',
      'restarted c',
    ]);
    expect(root.tree().children.map((c) => c.id)).toEqual(['a', 'c']);
  });

  it('simple_one_for_one-like: a dynamic transient child that completes is removed', async () => {
    const { root, log } = setup({ children: [] });
    await root.startChild({ id: 'job', logic: fromPromise(async () => 42), restart: 'transient' });
    await flush();
    expect(log.lines).toEqual(['started job', 'exited job']);
    expect(log.events[1]).toMatchObject({ output: 42, decision: 'remove' });
    expect(root.tree().children).toEqual([]);
  });
});
