import { describe, expect, it } from 'vitest';
import {
  initialCoreState,
  type CoreEffect,
  type CoreEvent,
  type CoreState,
} from '../../supervisors/core-state.js';
import { step } from '../../supervisors/core-step.js';
import type { Strategy } from 'aion-ts/supervisors';

// The decision core on its own: plain data in, plain data out.

type S = string;
const at = (now: number) => ({ now, entropy: 0 });
const child = (id: string) => ({
  id,
  spec: `spec-${id}`,
  restart: 'permanent' as const,
  intensity: undefined,
});

function started(strategy: Strategy, ids: readonly string[]): CoreState<S> {
  const state = initialCoreState<S>({
    path: ['root'],
    strategy,
    intensity: { maxRestarts: 5, withinMs: 1_000 },
    backoff: undefined,
  });
  return step(state, { type: 'init', children: ids.map(child), ...at(0) })[0];
}

const deepFreeze = <T>(value: T): T => {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
};

const summary = (effects: readonly CoreEffect<S>[]): string[] =>
  effects.map((e) => {
    switch (e.type) {
      case 'spawn':
      case 'terminate':
      case 'kill':
        return `${e.type} ${e.id}#${e.incarnation}`;
      case 'emit':
        return `emit ${e.event.type} ${e.event.path.slice(1).join('/')}`;
      case 'reply':
        return `reply ${e.requestId} ${e.reply.ok ? 'ok' : e.reply.error.code}`;
      case 'schedule':
        return `schedule ${e.at}`;
      case 'finish':
        return `finish ${e.exit.reason}`;
    }
  });

const exit = (id: string, incarnation: number, now = 1): CoreEvent<S> => ({
  type: 'exit',
  id,
  incarnation,
  failed: true,
  error: new Error('x'),
  output: undefined,
  ...at(now),
});

describe('supervisor core (pure decisions)', () => {
  it('starts the static children in order', () => {
    const state = initialCoreState<S>({
      path: ['root'],
      strategy: 'one-for-one',
      intensity: { maxRestarts: 1, withinMs: 10 },
      backoff: undefined,
    });
    const [next, effects] = step(state, {
      type: 'init',
      children: [child('a'), child('b')],
      ...at(0),
    });
    expect(summary(effects)).toEqual([
      'spawn a#1',
      'emit started a',
      'spawn b#1',
      'emit started b',
    ]);
    expect(next.phase).toBe('running');
  });

  it('never mutates the state it is given', () => {
    const state = deepFreeze(started('one-for-all', ['a', 'b', 'c']));
    const [next] = step(state, exit('b', 1));
    expect(next).not.toBe(state);
    expect([...state.children].map((c) => c.status)).toEqual(['running', 'running', 'running']);
    expect([...next.children].map((c) => c.status)).toEqual(['running', 'restarting', 'stopping']);
  });

  it('ignores an exit from an older incarnation', () => {
    const state = started('one-for-one', ['a']);
    const [restarted] = step(state, exit('a', 1));
    expect([...restarted.children][0]?.incarnation).toBe(2);
    const [same, effects] = step(restarted, exit('a', 1));
    expect(effects).toEqual([]);
    expect(same).toBe(restarted);
  });

  it('asks for one termination at a time and waits for each answer', () => {
    const [s1, e1] = step(started('one-for-all', ['a', 'b', 'c']), exit('a', 1));
    expect(summary(e1)).toEqual(['kill a#1', 'emit crashed a', 'terminate c#1']);
    const [s2, e2] = step(s1, {
      type: 'terminated',
      id: 'c',
      incarnation: 1,
      timedOut: false,
      error: undefined,
      ...at(2),
    });
    expect(summary(e2)).toEqual(['kill c#1', 'emit stopped c', 'terminate b#1']);
    const [s3, e3] = step(s2, {
      type: 'terminated',
      id: 'b',
      incarnation: 1,
      timedOut: false,
      error: undefined,
      ...at(3),
    });
    expect(summary(e3)).toEqual([
      'kill b#1',
      'emit stopped b',
      'spawn a#2',
      'emit restarted a',
      'spawn b#2',
      'emit restarted b',
      'spawn c#2',
      'emit restarted c',
    ]);
    expect(s3.op).toBeUndefined();
  });

  it('defers other events during an operation and handles them after it, at the time it completes', () => {
    const [s1] = step(started('one-for-all', ['a', 'b']), exit('a', 1));
    const [s2, deferred] = step(s1, { type: 'stop-child', id: 'a', requestId: 7, ...at(5) });
    expect(deferred).toEqual([]);
    expect(s2.deferred).toHaveLength(1);
    const [s3, effects] = step(s2, {
      type: 'terminated',
      id: 'b',
      incarnation: 1,
      timedOut: false,
      error: undefined,
      ...at(9),
    });
    expect(summary(effects)).toEqual([
      'kill b#1',
      'emit stopped b',
      'spawn a#2',
      'emit restarted a',
      'spawn b#2',
      'emit restarted b',
      'terminate a#2',
    ]);
    expect([...s3.deferred]).toEqual([]);
    const [, done] = step(s3, {
      type: 'terminated',
      id: 'a',
      incarnation: 2,
      timedOut: false,
      error: undefined,
      ...at(10),
    });
    expect(summary(done)).toEqual(['kill a#2', 'emit stopped a', 'reply 7 ok']);
    expect(done.find((e) => e.type === 'emit')).toMatchObject({ event: { at: 10 } });
  });

  it('treats the awaited child ending on its own as its termination', () => {
    const [s1] = step(started('one-for-one', ['a']), {
      type: 'stop-child',
      id: 'a',
      requestId: 1,
      ...at(1),
    });
    const [s2, effects] = step(s1, exit('a', 1, 2));
    expect(summary(effects)).toEqual(['kill a#1', 'emit stopped a', 'reply 1 ok']);
    expect([...s2.children]).toEqual([]);
  });

  it('answers pending requests when killed in the middle of an operation', () => {
    const [s1] = step(started('one-for-one', ['a', 'b']), { type: 'stop', requestId: 1, ...at(1) });
    const [s2] = step(s1, { type: 'start-child', child: child('c'), requestId: 2, ...at(2) });
    const [s3, effects] = step(s2, { type: 'kill', ...at(3) });
    expect(summary(effects)).toEqual([
      'kill b#1',
      'emit stopped b',
      'kill a#1',
      'emit stopped a',
      'reply 1 ok',
      'reply 2 NOT_RUNNING',
      'finish killed',
    ]);
    expect(s3.phase).toBe('stopped');
  });

  it('replies CHILD_EXISTS and CHILD_NOT_FOUND without changing anything', () => {
    const state = started('one-for-one', ['a']);
    const [s1, e1] = step(state, {
      type: 'start-child',
      child: child('a'),
      requestId: 1,
      ...at(1),
    });
    const [s2, e2] = step(s1, { type: 'stop-child', id: 'zz', requestId: 2, ...at(1) });
    expect(summary([...e1, ...e2])).toEqual(['reply 1 CHILD_EXISTS', 'reply 2 CHILD_NOT_FOUND']);
    expect(s2.children).toBe(state.children);
  });
});
