import { describe, expect, it } from 'vitest';
import { SupervisorError } from 'aion-ts/supervisors';
import { flush, setup, workers } from './support/setup.js';
import { controllable, crash, finish } from './support/workers.js';

// One test per behaviour the Erlang/OTP `supervisor` documentation describes,
// titled after the statement it checks: restart intensity, supervision trees,
// shutdown and dynamic children (strategies and restart types are in
// otp-restarts.test.ts).

describe('Erlang supervisor documentation: restart intensity', () => {
  it('at most MaxR restarts within MaxT seconds are tolerated', () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 2, withinMs: 1_000 },
      children: workers(['a']),
    });
    crash(root, 'a');
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a', 'restarted a', 'crashed a', 'restarted a']);
    expect(root.getSnapshot().status).toBe('active');
  });

  it('more restarts than MaxR within MaxT terminates all children in reverse start order, then the supervisor', async () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 2, withinMs: 1_000 },
      children: workers(['a', 'b', 'c']),
    });
    crash(root, 'a');
    crash(root, 'a');
    log.clear();
    crash(root, 'a');
    expect(log.lines).toEqual([
      'crashed a',
      'stopped c',
      'stopped b',
      'stopped a',
      'escalated root',
      'stopped root',
    ]);
    expect(log.events[0]).toMatchObject({ decision: 'escalate' });
    const exit = await root.whenStopped();
    expect(exit.reason).toBe('escalated');
    const error = exit.reason === 'escalated' ? exit.error : undefined;
    expect(error).toBeInstanceOf(SupervisorError);
    expect(error?.code).toBe('INTENSITY_EXCEEDED');
    expect((error?.cause as Error).message).toBe('boom');
    expect(root.getSnapshot().status).toBe('error');
  });

  it('restarts older than MaxT are forgotten: the window slides', () => {
    const { root, clock, log } = setup({
      intensity: { maxRestarts: 2, withinMs: 100 },
      children: workers(['a']),
    });
    crash(root, 'a'); // t=0
    clock.advance(50);
    crash(root, 'a'); // t=50
    clock.advance(50);
    crash(root, 'a'); // t=100: the restart at 0 is exactly MaxT old and no longer counts
    expect(root.getSnapshot().status).toBe('active');
    clock.advance(20);
    log.clear();
    crash(root, 'a'); // t=120: 50, 100 and 120 are inside the window
    expect(log.lines).toEqual(['crashed a', 'stopped a', 'escalated root', 'stopped root']);
  });

  it('an intensity of 0 terminates the supervisor at the first restart', () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 0, withinMs: 1_000 },
      children: workers(['a']),
    });
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a', 'stopped a', 'escalated root', 'stopped root']);
  });

  it('children that are not restarted do not count as restarts', () => {
    const { root } = setup({
      intensity: { maxRestarts: 0, withinMs: 1_000 },
      children: [...workers(['t1', 't2'], 'temporary'), ...workers(['tr'], 'transient')],
    });
    crash(root, 't1');
    finish(root, 't2');
    finish(root, 'tr');
    expect(root.getSnapshot().status).toBe('active');
  });
});

describe('Erlang supervisor documentation: supervision trees and escalation', () => {
  it("a supervisor terminated by too many restarts is handled by its parent, by the parent's strategy", () => {
    const { root, log } = setup({
      strategy: 'one-for-all',
      children: [
        ...workers(['a']),
        {
          id: 'n',
          supervisor: {
            intensity: { maxRestarts: 0, withinMs: 1_000 },
            children: workers(['x', 'y']),
          },
        },
      ],
    });
    crash(root, ['n', 'x']);
    expect(log.lines).toEqual([
      'crashed n/x',
      'stopped n/y',
      'stopped n/x',
      'escalated n',
      'crashed n',
      'stopped a',
      'restarted a',
      'started n/x',
      'started n/y',
      'restarted n',
    ]);
    expect(
      log.events.find((e) => e.type === 'crashed' && e.path.join('/') === 'root/n'),
    ).toMatchObject({
      error: { code: 'INTENSITY_EXCEEDED' },
    });
    expect(root.tree().children.map((c) => `${c.id}:${c.restarts}:${c.status}`)).toEqual([
      'a:1:running',
      'n:1:running',
    ]);
  });

  it('escalation climbs to the root, which terminates and reports escalated', async () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 0, withinMs: 1_000 },
      children: [
        {
          id: 'n',
          supervisor: { intensity: { maxRestarts: 0, withinMs: 1_000 }, children: workers(['x']) },
        },
      ],
    });
    crash(root, ['n', 'x']);
    expect(log.lines).toEqual([
      'crashed n/x',
      'stopped n/x',
      'escalated n',
      'crashed n',
      'stopped n',
      'escalated root',
      'stopped root',
    ]);
    expect((await root.whenStopped()).reason).toBe('escalated');
  });
});

describe('Erlang supervisor documentation: shutdown', () => {
  it('the supervisor terminates its children in reverse start order, subtrees first', async () => {
    const { root, log } = setup({
      children: [
        ...workers(['a']),
        { id: 'n', supervisor: { children: workers(['x', 'y']) } },
        ...workers(['b']),
      ],
    });
    await root.stop();
    expect(log.lines).toEqual([
      'stopped b',
      'stopped n/y',
      'stopped n/x',
      'stopped n',
      'stopped a',
      'stopped root',
    ]);
  });

  it('a child that does not terminate within its shutdown time is killed unconditionally', async () => {
    let aborted = false;
    const { root, clock, log } = setup({
      children: [
        ...workers(['a']),
        {
          id: 'slow',
          logic: controllable,
          shutdownTimeoutMs: 100,
          shutdown: (_ref, signal) =>
            new Promise<void>(() => {
              signal.addEventListener('abort', () => (aborted = true));
            }),
        },
      ],
    });
    const slow = root.child('slow');
    const stopping = root.stop();
    clock.advance(99);
    await flush();
    expect(log.lines).toEqual([]);
    expect(slow?.getSnapshot().status).toBe('active');
    clock.advance(1);
    await stopping;
    expect(log.lines).toEqual(['stopped slow', 'stopped a', 'stopped root']);
    expect(log.events[0]).toMatchObject({ reason: 'timeout' });
    expect(aborted).toBe(true);
    expect(slow?.getSnapshot().status).toBe('stopped');
  });

  it('a supervisor child gets infinite shutdown time by default, so its subtree shuts down fully', async () => {
    let release: () => void = () => undefined;
    const { root, clock, log } = setup({
      children: [
        {
          id: 'n',
          supervisor: {
            children: [
              {
                id: 'x',
                logic: controllable,
                shutdownTimeoutMs: 60_000,
                shutdown: () => new Promise<void>((resolve) => (release = resolve)),
              },
            ],
          },
        },
      ],
    });
    const stopping = root.stop();
    clock.advance(30_000);
    await flush();
    expect(log.lines).toEqual([]);
    release();
    await stopping;
    expect(log.lines).toEqual(['stopped n/x', 'stopped n', 'stopped root']);
    expect(log.events[0]).toMatchObject({ reason: 'shutdown' });
  });
});

describe('Erlang supervisor documentation: dynamic children', () => {
  it('start_child adds a child after the existing ones and starts it', async () => {
    const { root, log } = setup({ children: workers(['a']) });
    const ref = await root.startChild({ id: 'b', logic: controllable });
    expect(ref.getSnapshot().status).toBe('active');
    expect(root.child('b')).toBe(ref);
    expect(log.lines).toEqual(['started b']);
    expect(root.tree().children.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('start_child with an id already present fails and changes nothing', async () => {
    const { root, log } = setup({ children: workers(['a']) });
    const a = root.child('a');
    await expect(root.startChild({ id: 'a', logic: controllable })).rejects.toMatchObject({
      code: 'CHILD_EXISTS',
    });
    expect(root.child('a')).toBe(a);
    expect(log.lines).toEqual([]);
  });

  it('terminate_child and delete_child: stopChild terminates the child and forgets it', async () => {
    const { root, log } = setup({ children: workers(['a', 'b']) });
    const b = root.child('b');
    await root.stopChild('b');
    expect(log.lines).toEqual(['stopped b']);
    expect(b?.getSnapshot().status).toBe('stopped');
    expect(root.tree().children.map((c) => c.id)).toEqual(['a']);
    await expect(root.stopChild('b')).rejects.toMatchObject({ code: 'CHILD_NOT_FOUND' });
  });
});
