import { Subject } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { createMachine, fromCallback, fromObservable, fromPromise } from 'xstate';
import type { StartInfo } from 'aion-ts/supervisors';
import { flush, setup } from './support/setup.js';

// A crash is an actor whose XState snapshot status becomes 'error', for
// every kind of logic; a normal completion is status 'done'.

describe('crash detection', () => {
  it('detects a machine whose action throws, with the thrown error', () => {
    const error = new Error('machine action failed');
    const logic = createMachine({
      on: {
        GO: {
          actions: () => {
            throw error;
          },
        },
      },
    });
    const { root, log } = setup({ children: [{ id: 'm', logic }] });
    root.child('m')?.send({ type: 'GO' });
    expect(log.lines).toEqual(['crashed m', 'restarted m']);
    expect(log.events[0]).toMatchObject({ type: 'crashed', error });
  });

  it('detects a machine that fails while starting (entry action throws)', () => {
    let starts = 0;
    const logic = createMachine({
      entry: () => {
        starts++;
        if (starts === 1) throw new Error('entry failed');
      },
    });
    const { root, log } = setup({ children: [{ id: 'm', logic }] }, true);
    expect(log.lines).toEqual(['started m', 'crashed m', 'restarted m', 'started root']);
    expect(root.child('m')?.getSnapshot().status).toBe('active');
  });

  it('detects a machine reaching a final state as a normal exit, with its output', () => {
    const logic = createMachine({
      initial: 'a',
      states: { a: { on: { DONE: 'b' } }, b: { type: 'final' } },
      output: () => 'result',
    });
    const { root, log } = setup({ children: [{ id: 'm', logic, restart: 'transient' }] });
    root.child('m')?.send({ type: 'DONE' });
    expect(log.events).toMatchObject([{ type: 'exited', output: 'result', decision: 'remove' }]);
  });

  it('detects a fromPromise actor that rejects', async () => {
    let attempt = 0;
    const logic = fromPromise(async () => {
      attempt++;
      if (attempt === 1) throw new Error('rejected');
      return new Promise<never>(() => undefined);
    });
    const { log } = setup({ children: [{ id: 'p', logic }] });
    expect(log.lines).toEqual([]);
    await flush();
    expect(log.lines).toEqual(['crashed p', 'restarted p']);
    expect(log.events[0]).toMatchObject({ error: { message: 'rejected' } });
  });

  it('detects a fromPromise actor that resolves as a normal exit', async () => {
    const { log } = setup({
      children: [{ id: 'p', logic: fromPromise(async () => 7), restart: 'temporary' }],
    });
    await flush();
    expect(log.events).toMatchObject([{ type: 'exited', output: 7 }]);
  });

  it('detects a fromCallback actor that throws while starting', () => {
    let starts = 0;
    const logic = fromCallback(() => {
      starts++;
      if (starts === 1) throw new Error('callback failed');
      return () => undefined;
    });
    const { root, log } = setup({ children: [{ id: 'cb', logic }] }, true);
    expect(log.lines).toEqual(['started cb', 'crashed cb', 'restarted cb', 'started root']);
    expect(root.child('cb')?.getSnapshot().status).toBe('active');
  });

  it('detects a fromCallback actor whose receive listener throws', () => {
    const logic = fromCallback(({ receive }) => {
      receive(() => {
        throw new Error('receive failed');
      });
    });
    const { root, log } = setup({ children: [{ id: 'cb', logic }] });
    root.child('cb')?.send({ type: 'ANY' });
    expect(log.lines).toEqual(['crashed cb', 'restarted cb']);
  });

  it('detects a fromObservable actor whose source errors, and completion as a normal exit', () => {
    const sources: Subject<number>[] = [];
    const logic = fromObservable(({ input }: { input: Subject<number> }) => input);
    const { log } = setup({
      children: [
        {
          id: 'obs',
          logic,
          restart: 'transient',
          input: () => {
            const source = new Subject<number>();
            sources.push(source);
            return source;
          },
        },
      ],
    });
    sources[0]?.error(new Error('stream failed'));
    expect(log.lines).toEqual(['crashed obs', 'restarted obs']);
    sources[1]?.complete();
    expect(log.lines).toEqual(['crashed obs', 'restarted obs', 'exited obs']);
    expect(sources).toHaveLength(2);
  });

  it('treats an input function that throws as a crash at start, then starts with fresh input', () => {
    const calls: StartInfo[] = [];
    const logic = fromCallback<{ type: string }, { n: number }>(() => () => undefined);
    const { root, log } = setup(
      {
        children: [
          {
            id: 'c',
            logic,
            input: (info: StartInfo) => {
              calls.push(info);
              if (info.restarts === 0) throw new Error('no input yet');
              return { n: info.restarts };
            },
          },
        ],
      },
      true,
    );
    expect(log.lines).toEqual(['started c', 'crashed c', 'restarted c', 'started root']);
    expect(calls.map((c) => [c.id, c.path.join('/'), c.restarts])).toEqual([
      ['c', 'root/c', 0],
      ['c', 'root/c', 1],
    ]);
    expect((calls[1]?.lastError as Error).message).toBe('no input yet');
    expect(root.child('c')?.getSnapshot().status).toBe('active');
  });

  it('ignores events children send to their parent (sendBack) and keeps supervising', () => {
    const logic = fromCallback(({ sendBack, receive }) => {
      sendBack({ type: 'hello' });
      receive(() => {
        throw new Error('after hello');
      });
    });
    const { root, log } = setup({ children: [{ id: 'cb', logic }] });
    root.child('cb')?.send({ type: 'ANY' });
    expect(log.lines).toEqual(['crashed cb', 'restarted cb']);
  });
});
