import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  describeKey,
  historyKey,
  listingKey,
  parseRunKey,
  parseTimerKey,
  runKey,
  seqOfHistoryKey,
  timerKey,
} from '../../src/store/index.js';

/** Ids as the engine accepts them: 1-256 characters, no control characters. */
const id = fc
  .string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' })
  .filter((s) => !/[\u0000-\u001f\u007f]/.test(s));

const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpTuple = (a: readonly (string | number)[], b: readonly (string | number)[]): number => {
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string | number;
    const y = b[i] as string | number;
    const c = typeof x === 'number' ? x - (y as number) : cmp(x, y as string);
    if (c !== 0) return Math.sign(c);
  }
  return 0;
};

describe('key codec', () => {
  it('orders history keys as (workflowId, runId, seq) tuples, seq numerically', () => {
    fc.assert(
      fc.property(
        id,
        id,
        fc.nat(9_999_999_999),
        id,
        id,
        fc.nat(9_999_999_999),
        (w1, r1, s1, w2, r2, s2) => {
          const byKey = Math.sign(cmp(historyKey(w1, r1, s1), historyKey(w2, r2, s2)));
          expect(byKey).toBe(cmpTuple([w1, r1, s1], [w2, r2, s2]));
        },
      ),
    );
  });

  it('orders timer keys by fireAt, then workflow id, run id and timer id', () => {
    fc.assert(
      fc.property(
        fc.tuple(fc.nat(Number.MAX_SAFE_INTEGER), id, id, id),
        fc.tuple(fc.nat(Number.MAX_SAFE_INTEGER), id, id, id),
        (a, b) => {
          expect(Math.sign(cmp(timerKey(...a), timerKey(...b)))).toBe(cmpTuple(a, b));
          expect(parseTimerKey(timerKey(...a))).toStrictEqual({
            fireAt: a[0],
            workflowId: a[1],
            runId: a[2],
            timerId: a[3],
          });
        },
      ),
    );
  });

  it('orders listing keys by group, then start time, then ids', () => {
    fc.assert(
      fc.property(
        fc.tuple(id, fc.nat(Number.MAX_SAFE_INTEGER), id, id),
        fc.tuple(id, fc.nat(Number.MAX_SAFE_INTEGER), id, id),
        (a, b) => {
          expect(Math.sign(cmp(listingKey(...a), listingKey(...b)))).toBe(cmpTuple(a, b));
        },
      ),
    );
  });

  it('keeps a run’s key range apart from a run whose id it prefixes', () => {
    const lo = historyKey('wf', 'run', 1);
    const hi = historyKey('wf', 'run', 9_999_999_999);
    for (const other of [
      historyKey('wf', 'run-2', 1),
      historyKey('wf', 'run2', 1),
      historyKey('wf-x', 'run', 5),
    ]) {
      expect(other >= lo && other <= hi).toBe(false);
    }
    expect(historyKey('wf', 'run', 10) > historyKey('wf', 'run', 9)).toBe(true);
  });

  it('reads parts back and prints keys for error messages', () => {
    expect(seqOfHistoryKey(historyKey('w', 'r', 42))).toBe(42);
    expect(parseRunKey(runKey('w', 'r-1'))).toStrictEqual({ workflowId: 'w', runId: 'r-1' });
    expect(parseRunKey('no-separator')).toBeUndefined();
    expect(parseTimerKey('garbage')).toBeUndefined();
    expect(describeKey('history', historyKey('w', 'r', 3))).toBe('history/w/r/0000000003');
  });
});
