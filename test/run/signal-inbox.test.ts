import { describe, expect, it } from 'vitest';
import { SignalInbox } from '../../src/run/signal-inbox.js';

/**
 * Regression (simulator seeds 40 and 72, 60 steps): the signals a run
 * never consumed were carried into its continue-as-new successor grouped
 * by name, not in the order they arrived as documented.
 */
describe('SignalInbox', () => {
  it('lists unconsumed signals in arrival order across names', () => {
    const inbox = new SignalInbox();
    inbox.arrive('b', 1);
    inbox.arrive('a', 2);
    inbox.arrive('b', 3);
    inbox.keep('a', 4);
    expect(inbox.take('b')).toEqual({ payload: 1 });
    expect(inbox.unconsumed()).toEqual([
      { name: 'a', payload: 2 },
      { name: 'b', payload: 3 },
      { name: 'a', payload: 4 },
    ]);
  });

  it('hands an arrival to a waiter of its name, first come first served', () => {
    const inbox = new SignalInbox();
    const got: unknown[] = [];
    inbox.wait('a', { resolve: (p) => got.push(p), reject: () => undefined });
    inbox.arrive('b', 1);
    inbox.arrive('a', 2);
    expect(got).toEqual([2]);
    expect(inbox.unconsumed()).toEqual([{ name: 'b', payload: 1 }]);
  });
});
