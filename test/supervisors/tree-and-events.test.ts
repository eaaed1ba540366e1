import { config } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { SupervisorError, type SupervisionEvent } from 'aion-ts/supervisors';
import { setup, workers } from './support/setup.js';
import { controllable, crash, finish } from './support/workers.js';

describe('tree()', () => {
  it('describes every node: kind, id, path, status, restart type and restart counts', () => {
    const { root } = setup({
      strategy: 'rest-for-one',
      children: [
        ...workers(['a'], 'transient'),
        {
          id: 'n',
          restart: 'permanent',
          supervisor: { strategy: 'one-for-all', children: workers(['x']) },
        },
      ],
    });
    crash(root, ['n', 'x']);
    crash(root, 'a');
    expect(root.tree()).toEqual({
      kind: 'supervisor',
      id: 'root',
      path: ['root'],
      status: 'running',
      strategy: 'rest-for-one',
      restart: undefined,
      restarts: 0,
      restartDecisions: 1,
      children: [
        {
          kind: 'worker',
          id: 'a',
          path: ['root', 'a'],
          status: 'running',
          restart: 'transient',
          restarts: 1,
        },
        {
          kind: 'supervisor',
          id: 'n',
          path: ['root', 'n'],
          status: 'running',
          strategy: 'one-for-all',
          restart: 'permanent',
          restarts: 1,
          restartDecisions: 0,
          children: [
            {
              kind: 'worker',
              id: 'x',
              path: ['root', 'n', 'x'],
              status: 'running',
              restart: 'permanent',
              restarts: 0,
            },
          ],
        },
      ],
    });
  });

  it('shows a nested supervisor that is down as restarting, without children', () => {
    const { root } = setup({
      backoff: { initialMs: 10, maxMs: 10, factor: 1 },
      children: [
        {
          id: 'n',
          supervisor: { intensity: { maxRestarts: 0, withinMs: 100 }, children: workers(['x']) },
        },
      ],
    });
    crash(root, ['n', 'x']);
    expect(root.tree().children).toEqual([
      expect.objectContaining({
        kind: 'supervisor',
        id: 'n',
        status: 'restarting',
        restarts: 0,
        children: [],
      }),
    ]);
  });

  it('reports the supervisor as stopped or escalated once it has ended', async () => {
    const a = setup({ children: workers(['a']) });
    await a.root.stop();
    expect(a.root.tree()).toMatchObject({ status: 'stopped', children: [] });
    const b = setup({ intensity: { maxRestarts: 0, withinMs: 10 }, children: workers(['a']) });
    crash(b.root, 'a');
    expect(b.root.tree()).toMatchObject({ status: 'escalated', children: [] });
  });
});

describe('events$', () => {
  it('carries paths from the root as arrays and the clock time', () => {
    const { root, clock, log } = setup(
      { children: [{ id: 'n', supervisor: { children: workers(['x']) } }] },
      true,
    );
    clock.advance(42);
    crash(root, ['n', 'x']);
    expect(log.events.map((e) => [e.type, e.path, e.at])).toEqual([
      ['started', ['root', 'n', 'x'], 0],
      ['started', ['root', 'n'], 0],
      ['started', ['root'], 0],
      ['crashed', ['root', 'n', 'x'], 42],
      ['restarted', ['root', 'n', 'x'], 42],
    ]);
  });

  it('gives crashed the error, exited the output, restarted the restart count', () => {
    const { root, log } = setup({ children: workers(['a']) });
    crash(root, 'a');
    finish(root, 'a');
    const [crashed, restarted1, exited, restarted2] = log.events;
    expect(crashed).toMatchObject({
      type: 'crashed',
      decision: 'restart',
      error: { message: 'boom' },
    });
    expect(restarted1).toMatchObject({ type: 'restarted', restarts: 1 });
    expect(exited).toMatchObject({ type: 'exited', decision: 'restart', output: undefined });
    expect(restarted2).toMatchObject({ type: 'restarted', restarts: 2 });
  });

  it('gives escalated a SupervisorError whose cause is the last crash', () => {
    const { root, log } = setup({
      intensity: { maxRestarts: 0, withinMs: 10 },
      children: workers(['a']),
    });
    crash(root, 'a');
    const escalated = log.events.find(
      (e): e is Extract<SupervisionEvent, { type: 'escalated' }> => e.type === 'escalated',
    );
    expect(escalated?.path).toEqual(['root']);
    expect(escalated?.error).toBeInstanceOf(SupervisorError);
    expect(escalated?.error).toMatchObject({
      code: 'INTENSITY_EXCEEDED',
      path: ['root'],
      cause: { message: 'boom' },
    });
    expect(log.events.at(-1)).toMatchObject({
      type: 'stopped',
      path: ['root'],
      reason: 'escalated',
      error: escalated?.error,
    });
  });

  it('isolates a throwing subscriber from the supervisor and other subscribers', async () => {
    const { root } = setup({ children: workers(['a']) });
    const seen: string[] = [];
    const thrown: unknown[] = [];
    // RxJS reports a subscriber's exception on a fresh stack through this hook.
    const previous = config.onUnhandledError;
    config.onUnhandledError = (e) => thrown.push(e);
    try {
      root.events$.subscribe(() => {
        throw new Error('bad subscriber');
      });
      root.events$.subscribe((e) => seen.push(e.type));
      crash(root, 'a');
      await new Promise((resolve) => setTimeout(resolve, 1));
    } finally {
      config.onUnhandledError = previous;
    }
    expect(seen).toEqual(['crashed', 'restarted']);
    expect(root.tree().children[0]).toMatchObject({ status: 'running', restarts: 1 });
    expect(thrown).toMatchObject([{ message: 'bad subscriber' }, { message: 'bad subscriber' }]);
  });

  it('looks children up by path through nested supervisors with child()', () => {
    const { root } = setup({
      children: [{ id: 'n', supervisor: { children: [{ id: 'x', logic: controllable }] } }],
    });
    expect(root.child(['n', 'x'])?.getSnapshot().status).toBe('active');
    expect(root.child(['n', 'missing'])).toBeUndefined();
    expect(root.child('missing')).toBeUndefined();
  });
});
