import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/core/index.js';
import { Residency } from '../../src/engine/residency.js';

function residency(maxResidentRuns: number, busy: Set<string>) {
  const asked: string[] = [];
  const suspended: string[] = [];
  const r = new Residency({
    clock: virtualClock(0),
    idleTimeoutMs: 60_000,
    maxResidentRuns,
    canSuspend: (key) => {
      asked.push(key);
      return !busy.has(key);
    },
    suspend: (key) => suspended.push(key),
  });
  return { r, asked, suspended };
}

describe('Residency eviction', () => {
  it('suspends the least recently active runs that can be, down to the limit', () => {
    const busy = new Set(['a']);
    const { r, suspended } = residency(2, busy);
    for (const key of ['a', 'b', 'c', 'd']) r.touch(key);
    // 'a' is busy: 'b' then 'c' go instead, and 'a' stays resident.
    expect(suspended).toEqual(['b', 'c']);
    expect(r.size).toBe(2);
  });

  it('looks at a bounded number of busy runs per touch (a wake burst stays linear)', () => {
    const asksFor = (touches: number): number => {
      const busy = new Set<string>();
      const { r, asked } = residency(10, busy);
      for (let i = 0; i < touches; i++) {
        busy.add(`loading-${i}`);
        r.touch(`loading-${i}`);
      }
      expect(r.size).toBe(touches);
      return asked.length;
    };
    // Every run is busy (loading): none can be suspended. Four times the
    // touches must cost about four times the questions, not sixteen.
    const ratio = asksFor(4_000) / asksFor(1_000);
    expect(ratio).toBeLessThan(6);
  });
});
