import { describe, expect, it } from 'vitest';
import {
  createActor,
  createMachine,
  sendParent,
  setup as setupMachine,
  spawnChild,
  stopChild,
} from 'xstate';
import {
  childRef,
  isSupervisorLogic,
  supervisorLogic,
  SupervisorError,
  type SupervisionEvent,
} from 'aion-ts/supervisors';
import { testClock } from './support/virtual-clock.js';
import { controllable, describe as line } from './support/workers.js';

describe('a supervisor is an XState actor', () => {
  it('runs with createActor and emits its events through actor.on', () => {
    const actor = createActor(
      supervisorLogic({ id: 'pool', children: [{ id: 'a', logic: controllable }] }),
    );
    const seen: string[] = [];
    actor.on('*', (e: SupervisionEvent) => seen.push(line(e)));
    actor.start();
    childRef(actor, 'a')?.send({ type: 'CRASH' });
    expect(seen).toEqual(['started a', 'crashed a', 'restarted a']);
    expect(isSupervisorLogic(actor.logic)).toBe(true);
    expect(isSupervisorLogic(controllable)).toBe(false);
  });

  it('completes with status done after a supervisor.stop command', () => {
    const actor = createActor(
      supervisorLogic({ id: 'pool', children: [{ id: 'a', logic: controllable }] }),
    ).start();
    const a = childRef(actor, 'a');
    actor.send({ type: 'supervisor.stop' });
    expect(actor.getSnapshot().status).toBe('done');
    expect(actor.getSnapshot().output).toEqual({ reason: 'shutdown' });
    expect(a?.getSnapshot().status).toBe('stopped');
  });

  it('registers its children in its XState system, so systemId lookups work across restarts', () => {
    const actor = createActor(
      supervisorLogic({
        id: 'pool',
        children: [{ id: 'a', logic: controllable, systemId: 'the-a' }],
      }),
    ).start();
    const first = actor.system.get('the-a');
    expect(first).toBe(childRef(actor, 'a'));
    first?.send({ type: 'CRASH' });
    expect(actor.system.get('the-a')).toBe(childRef(actor, 'a'));
    expect(actor.system.get('the-a')).not.toBe(first);
  });

  it('can be spawned by a machine, which receives xstate.error.actor.<id> when it escalates', () => {
    const clock = testClock();
    const pool = supervisorLogic({
      id: 'pool',
      clock,
      intensity: { maxRestarts: 0, withinMs: 100 },
      children: [{ id: 'a', logic: controllable }],
    });
    const parent = setupMachine({ actors: { pool } }).createMachine({
      initial: 'running',
      entry: spawnChild('pool', { id: 'pool' }),
      states: {
        running: { on: { 'xstate.error.actor.pool': 'failed' } },
        failed: {},
      },
    });
    const actor = createActor(parent).start();
    const poolRef = actor.getSnapshot().children.pool;
    expect(poolRef?.getSnapshot().status).toBe('active');
    childRef(poolRef!, 'a')?.send({ type: 'CRASH' });
    expect(actor.getSnapshot().value).toBe('failed');
    expect(poolRef?.getSnapshot().error).toBeInstanceOf(SupervisorError);
  });

  it('kills its children at once when its parent machine stops it', () => {
    const seen: string[] = [];
    const pool = supervisorLogic({
      id: 'pool',
      children: [
        { id: 'a', logic: controllable },
        { id: 'b', logic: controllable },
      ],
    });
    const parent = setupMachine({ actors: { pool } }).createMachine({
      initial: 'on',
      entry: spawnChild('pool', { id: 'pool' }),
      states: { on: { on: { OFF: { target: 'off', actions: stopChild('pool') } } }, off: {} },
    });
    const actor = createActor(parent).start();
    const poolRef = actor.getSnapshot().children.pool!;
    poolRef.on('*', (e: SupervisionEvent) =>
      seen.push(`${line(e)}:${e.type === 'stopped' ? e.reason : ''}`),
    );
    const a = childRef(poolRef, 'a');
    actor.send({ type: 'OFF' });
    expect(seen).toEqual(['stopped b:killed', 'stopped a:killed']);
    expect(poolRef.getSnapshot().status).toBe('stopped');
    expect(a?.getSnapshot().status).toBe('stopped');
  });

  it('accepts commands from a parent machine, and ignores what children send to it', () => {
    const chatty = createMachine({ entry: sendParent({ type: 'hello' }) });
    const actor = createActor(supervisorLogic({ id: 'pool', children: [] })).start();
    actor.send({ type: 'supervisor.startChild', child: { id: 'c', logic: chatty } });
    expect(actor.getSnapshot().status).toBe('active');
    expect(childRef(actor, 'c')?.getSnapshot().status).toBe('active');
  });

  it('treats a supervisorLogic given as child logic as a nested supervisor', () => {
    const nested = supervisorLogic({ id: 'ignored', children: [{ id: 'x', logic: controllable }] });
    const actor = createActor(
      supervisorLogic({
        id: 'root',
        children: [
          { id: 'inner', logic: nested },
          { id: 'm', logic: controllable },
        ],
      }),
    );
    const seen: string[] = [];
    actor.on('*', (e: SupervisionEvent) => seen.push(line(e)));
    actor.start();
    childRef(childRef(actor, 'inner')!, 'x')?.send({ type: 'CRASH' });
    actor.send({ type: 'supervisor.stop' });
    expect(seen).toEqual([
      'started inner/x',
      'started inner',
      'started m',
      'crashed inner/x',
      'restarted inner/x',
      'stopped m',
      'stopped inner/x',
      'stopped inner',
    ]);
  });
});

describe('supervisor spec validation', () => {
  const invalid = (f: () => unknown): unknown => {
    try {
      f();
    } catch (error) {
      return error;
    }
    return undefined;
  };

  it.each([
    ['an empty id', { id: '' }],
    ['an unknown strategy', { id: 'r', strategy: 'one-for-some' }],
    ['a negative maxRestarts', { id: 'r', intensity: { maxRestarts: -1, withinMs: 10 } }],
    ['a fractional maxRestarts', { id: 'r', intensity: { maxRestarts: 1.5, withinMs: 10 } }],
    ['a zero window', { id: 'r', intensity: { maxRestarts: 1, withinMs: 0 } }],
    ['a backoff factor below 1', { id: 'r', backoff: { initialMs: 1, maxMs: 2, factor: 0.5 } }],
    [
      'a backoff maxMs below initialMs',
      { id: 'r', backoff: { initialMs: 5, maxMs: 2, factor: 2 } },
    ],
    ['a jitter above 1', { id: 'r', backoff: { initialMs: 1, maxMs: 2, factor: 2, jitter: 2 } }],
    [
      'duplicate child ids',
      {
        id: 'r',
        children: [
          { id: 'a', logic: controllable },
          { id: 'a', logic: controllable },
        ],
      },
    ],
    ['a child without logic', { id: 'r', children: [{ id: 'a', logic: 42 }] }],
    [
      'an invalid nested spec',
      { id: 'r', children: [{ id: 'n', supervisor: { strategy: 'nope' } }] },
    ],
    [
      'a negative shutdown timeout',
      { id: 'r', children: [{ id: 'a', logic: controllable, shutdownTimeoutMs: -1 }] },
    ],
  ])('rejects %s with INVALID_SPEC', (_name, spec) => {
    const error = invalid(() => supervisorLogic(spec as never));
    expect(error).toBeInstanceOf(SupervisorError);
    expect(error).toMatchObject({ code: 'INVALID_SPEC', name: 'SupervisorError' });
  });
});
