import { describe, expect, it } from 'vitest';
import { fromCallback } from 'xstate';
import { createSupervisor, worker, type ChildSpec, type StartInfo } from 'aion-ts/supervisors';
import { flush, restartCounts, setup, workers } from './support/setup.js';
import { controllable, crash } from './support/workers.js';

describe('dynamic children', () => {
  it('starts a child with a fresh input at every (re)start when input is a function', async () => {
    const seen: unknown[] = [];
    const logic = fromCallback<{ type: string }, { attempt: number }>(({ input, receive }) => {
      seen.push(input);
      receive(() => {
        throw new Error('crash');
      });
    });
    const { root } = setup({ children: [] });
    const ref = await root.startChild(
      worker({
        id: 'run-7',
        logic,
        restart: 'transient',
        input: (info: StartInfo) => ({ attempt: info.restarts + 1 }),
      }),
    );
    expect(ref.getSnapshot().status).toBe('active');
    root.child('run-7')?.send({ type: 'CRASH' });
    root.child('run-7')?.send({ type: 'CRASH' });
    expect(seen).toEqual([{ attempt: 1 }, { attempt: 2 }, { attempt: 3 }]);
    expect(restartCounts(root)).toEqual(['run-7:2']);
  });

  it('passes restarts and the last error to the input function of a restarted child', () => {
    const infos: StartInfo[] = [];
    const { root } = setup({
      children: [
        {
          id: 'a',
          logic: controllable,
          input: (info: StartInfo) => {
            infos.push(info);
            return undefined;
          },
        },
      ],
    });
    crash(root, 'a');
    crash(root, 'a');
    expect(infos.map((i) => i.restarts)).toEqual([0, 1, 2]);
    expect(infos.map((i) => (i.lastError as Error | undefined)?.message)).toEqual([
      undefined,
      'boom',
      'boom',
    ]);
  });

  it('rejects an invalid child spec with INVALID_SPEC and leaves the tree alone', async () => {
    const { root, log } = setup({ children: workers(['a']) });
    await expect(root.startChild({ id: '', logic: controllable })).rejects.toMatchObject({
      code: 'INVALID_SPEC',
    });
    await expect(
      root.startChild({ id: 'x', logic: {} } as unknown as ChildSpec),
    ).rejects.toMatchObject({
      code: 'INVALID_SPEC',
    });
    await expect(
      root.startChild({
        id: 'y',
        logic: controllable,
        restart: 'sometimes',
      } as unknown as ChildSpec),
    ).rejects.toMatchObject({
      code: 'INVALID_SPEC',
    });
    expect(log.lines).toEqual([]);
    expect(root.tree().children.map((c) => c.id)).toEqual(['a']);
  });

  it('rejects commands with NOT_RUNNING before start and after stop', async () => {
    const root = createSupervisor({ id: 'root', children: [] });
    await expect(root.startChild({ id: 'a', logic: controllable })).rejects.toMatchObject({
      code: 'NOT_RUNNING',
    });
    root.start();
    await root.stop();
    await expect(root.startChild({ id: 'a', logic: controllable })).rejects.toMatchObject({
      code: 'NOT_RUNNING',
    });
    await expect(root.stopChild('a')).rejects.toMatchObject({ code: 'NOT_RUNNING' });
  });

  it('starts a nested supervisor dynamically and supervises its subtree', async () => {
    const { root, log } = setup({ children: [] });
    await root.startChild({
      id: 'pool',
      supervisor: { strategy: 'one-for-all', children: workers(['p1', 'p2']) },
    });
    crash(root, ['pool', 'p2']);
    expect(log.lines).toEqual([
      'started pool/p1',
      'started pool/p2',
      'started pool',
      'crashed pool/p2',
      'stopped pool/p1',
      'restarted pool/p1',
      'restarted pool/p2',
    ]);
  });

  it('starts and stops children under a nested supervisor given by path', async () => {
    const { root, log } = setup({
      children: [
        {
          id: 'workflows',
          supervisor: { children: [{ id: 'order', supervisor: { children: [] } }] },
        },
      ],
    });
    const ref = await root.startChild({ id: 'run-1', logic: controllable, restart: 'transient' }, [
      'workflows',
      'order',
    ]);
    expect(root.child(['workflows', 'order', 'run-1'])).toBe(ref);
    crash(root, ['workflows', 'order', 'run-1']);
    await root.stopChild('run-1', ['workflows', 'order']);
    expect(log.lines).toEqual([
      'started workflows/order/run-1',
      'crashed workflows/order/run-1',
      'restarted workflows/order/run-1',
      'stopped workflows/order/run-1',
    ]);
    await expect(
      root.startChild({ id: 'x', logic: controllable }, 'nowhere'),
    ).rejects.toMatchObject({
      code: 'CHILD_NOT_FOUND',
    });
    await expect(root.stopChild('run-1', ['workflows', 'order'])).rejects.toMatchObject({
      code: 'CHILD_NOT_FOUND',
    });
  });

  it('removes a child that is waiting for its backoff without restarting it', async () => {
    const { root, clock, log } = setup({
      backoff: { initialMs: 100, maxMs: 100, factor: 1 },
      children: workers(['a', 'b']),
    });
    crash(root, 'a');
    await root.stopChild('a');
    clock.advance(500);
    expect(log.lines).toEqual(['crashed a', 'stopped a']);
    expect(root.tree().children.map((c) => c.id)).toEqual(['b']);
  });

  it('routes an exception thrown by a reply callback to reportError and stays consistent', () => {
    const errors: unknown[] = [];
    const { root } = setup({ reportError: (e) => errors.push(e), children: [] });
    root.actor.send({
      type: 'supervisor.startChild',
      child: { id: 'a', logic: controllable },
      reply: () => {
        throw new Error('bad callback');
      },
    });
    expect(errors).toMatchObject([{ message: 'bad callback' }]);
    expect(root.tree().children.map((c) => `${c.id}:${c.status}`)).toEqual(['a:running']);
    crash(root, 'a');
    expect(root.tree().children[0]?.restarts).toBe(1);
  });

  it('defers commands while an operation is in progress and answers them in order', async () => {
    let release: () => void = () => undefined;
    const { root, log } = setup({
      children: [
        {
          id: 'slow',
          logic: controllable,
          shutdown: () => new Promise<void>((resolve) => (release = resolve)),
        },
      ],
    });
    const stopping = root.stopChild('slow');
    const starting = root.startChild({ id: 'next', logic: controllable });
    await flush();
    expect(log.lines).toEqual([]);
    release();
    await stopping;
    await starting;
    expect(log.lines).toEqual(['stopped slow', 'started next']);
  });
});
