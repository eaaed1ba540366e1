import { lastValueFrom, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createSupervisor, type ShutdownHook } from 'aion-ts/supervisors';
import { flush, setup, workers } from './support/setup.js';
import { controllable, crash, describe as line } from './support/workers.js';

interface Gate {
  readonly hook: ShutdownHook;
  open(error?: Error): void;
  calls: number;
}

// A shutdown hook the test opens by hand.
function gate(): Gate {
  let release: (error?: Error) => void = () => undefined;
  const g: Gate = {
    calls: 0,
    hook: () => {
      g.calls++;
      return new Promise<void>((resolve, reject) => {
        release = (error) => (error === undefined ? resolve() : reject(error));
      });
    },
    open: (error) => release(error),
  };
  return g;
}

describe('ordered shutdown', () => {
  it('awaits each shutdown hook before stopping the next child (reverse start order)', async () => {
    const c = gate();
    const { root, log } = setup({
      children: [...workers(['a', 'b']), { id: 'c', logic: controllable, shutdown: c.hook }],
    });
    const stopping = root.stop();
    await flush();
    expect(c.calls).toBe(1);
    expect(log.lines).toEqual([]);
    expect(root.tree().children.map((n) => n.status)).toEqual(['running', 'running', 'stopping']);
    expect(root.tree().status).toBe('stopping');
    c.open();
    await stopping;
    expect(log.lines).toEqual(['stopped c', 'stopped b', 'stopped a', 'stopped root']);
  });

  it('lets the hook talk to the still-running actor', async () => {
    const received: string[] = [];
    const { root } = setup({
      children: [
        {
          id: 'a',
          logic: controllable,
          shutdown: (ref) => {
            received.push(String(ref.getSnapshot().status));
            ref.send({ type: 'FINISH' });
          },
        },
      ],
    });
    await root.stop();
    expect(received).toEqual(['active']);
  });

  it('reports a hook that throws or rejects on the stopped event and carries on', async () => {
    const b = gate();
    const { root, log } = setup({
      children: [
        {
          id: 'a',
          logic: controllable,
          shutdown: () => {
            throw new Error('sync hook failure');
          },
        },
        { id: 'b', logic: controllable, shutdown: b.hook },
      ],
    });
    const stopping = root.stop();
    await flush();
    b.open(new Error('async hook failure'));
    await stopping;
    expect(log.lines).toEqual(['stopped b', 'stopped a', 'stopped root']);
    expect(
      log.events.map((e) => (e.type === 'stopped' ? (e.error as Error | undefined)?.message : '')),
    ).toEqual(['async hook failure', 'sync hook failure', undefined]);
  });

  it('kills a child whose hook outlives the default 5000 ms timeout and moves on', async () => {
    const slow = gate();
    const { root, clock, log } = setup({
      children: [...workers(['a']), { id: 'slow', logic: controllable, shutdown: slow.hook }],
    });
    const stopping = root.stop();
    clock.advance(4_999);
    await flush();
    expect(log.lines).toEqual([]);
    clock.advance(1);
    await stopping;
    expect(log.events.map((e) => `${line(e)}:${e.type === 'stopped' ? e.reason : ''}`)).toEqual([
      'stopped slow:timeout',
      'stopped a:shutdown',
      'stopped root:shutdown',
    ]);
    slow.open();
    await flush();
    expect(log.lines).toHaveLength(3);
  });

  it('uses the shutdown hooks of siblings it stops for a one-for-all restart', async () => {
    const b = gate();
    const { root, log } = setup({
      strategy: 'one-for-all',
      children: [...workers(['a']), { id: 'b', logic: controllable, shutdown: b.hook }],
    });
    crash(root, 'a');
    expect(log.lines).toEqual(['crashed a']);
    expect(root.tree().status).toBe('restarting');
    b.open();
    await flush();
    expect(log.lines).toEqual(['crashed a', 'stopped b', 'restarted a', 'restarted b']);
    expect(root.tree().status).toBe('running');
  });

  it('ends in snapshot status done, completes events$, and resolves whenStopped', async () => {
    const { root } = setup({ children: workers(['a']) });
    const all = lastValueFrom(root.events$.pipe(toArray()));
    await root.stop();
    expect(root.getSnapshot().status).toBe('done');
    expect(root.getSnapshot().output).toEqual({ reason: 'shutdown' });
    expect(await root.whenStopped()).toEqual({ reason: 'shutdown' });
    expect((await all).map(line)).toEqual(['stopped a', 'stopped root']);
  });

  it('resolves every concurrent stop() once, and stop() before start()', async () => {
    const { root } = setup({ children: workers(['a']) });
    await Promise.all([root.stop(), root.stop()]);
    await root.stop();
    const never = createSupervisor({ id: 'idle', children: workers(['x']) });
    await never.stop();
    expect(await never.whenStopped()).toEqual({ reason: 'shutdown' });
    expect(never.start().child('x')).toBeUndefined();
  });

  it('rejects a startChild that arrives during shutdown with NOT_RUNNING', async () => {
    const a = gate();
    const { root } = setup({ children: [{ id: 'a', logic: controllable, shutdown: a.hook }] });
    const stopping = root.stop();
    const starting = root.startChild({ id: 'late', logic: controllable });
    a.open();
    await stopping;
    await expect(starting).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });
});
