import { describe, expect, it } from 'vitest';
import { virtualClock } from '../../src/core/index.js';
import { tick } from '../helpers/wait-until.js';

describe('virtualClock', () => {
  it('fires timers in deadline order as time is advanced, and only then', () => {
    const clock = virtualClock(1_000);
    const fired: string[] = [];
    clock.schedule(3_000, () => fired.push(`b@${clock.now()}`));
    clock.schedule(2_000, () => fired.push(`a@${clock.now()}`));
    const cancel = clock.schedule(2_500, () => fired.push('cancelled'));
    cancel();
    clock.advance(999);
    expect(fired).toEqual([]);
    clock.advanceTo(5_000);
    expect(fired).toEqual(['a@2000', 'b@3000']);
    expect(clock.now()).toBe(5_000);
    expect(clock.pending()).toBe(0);
  });

  it('fires a timer scheduled at or before now on the next turn, once', async () => {
    const clock = virtualClock(1_000);
    const fired: number[] = [];
    clock.schedule(1_000, () => fired.push(1));
    clock.schedule(500, () => fired.push(2));
    const cancel = clock.schedule(900, () => fired.push(3));
    cancel();
    expect(fired).toEqual([]);
    await tick();
    expect(fired).toEqual([1, 2]);
    // An advance in the same turn fires it first; the next turn does not repeat it.
    clock.schedule(1_000, () => fired.push(4));
    clock.advance(0);
    expect(fired).toEqual([1, 2, 4]);
    await tick();
    expect(fired).toEqual([1, 2, 4]);
    expect(clock.pending()).toBe(0);
  });
});
