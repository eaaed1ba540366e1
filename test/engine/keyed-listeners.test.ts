import { describe, expect, it } from 'vitest';
import { KeyedListeners } from '../../src/engine/keyed-listeners.js';

describe('KeyedListeners', () => {
  it('calls only the listeners of the key, in the order they were added', () => {
    const listeners = new KeyedListeners<number>();
    const seen: string[] = [];
    listeners.add('a', (n) => seen.push(`a1:${n}`));
    listeners.add('b', (n) => seen.push(`b:${n}`));
    listeners.add('a', (n) => seen.push(`a2:${n}`));
    listeners.emit('a', 1);
    listeners.emit('c', 2);
    expect(seen).toEqual(['a1:1', 'a2:1']);
  });

  it('forgets a key once its last listener is removed', () => {
    const listeners = new KeyedListeners<number>();
    const removeFirst = listeners.add('a', () => undefined);
    const removeSecond = listeners.add('a', () => undefined);
    removeFirst();
    expect(listeners.has('a')).toBe(true);
    removeSecond();
    removeSecond();
    expect(listeners.has('a')).toBe(false);
    expect(listeners.size).toBe(0);
  });

  it('lets a listener remove itself while its key is emitting', () => {
    const listeners = new KeyedListeners<number>();
    const seen: number[] = [];
    const remove = listeners.add('a', (n) => {
      seen.push(n);
      remove();
    });
    listeners.add('a', (n) => seen.push(n * 10));
    listeners.emit('a', 1);
    listeners.emit('a', 2);
    expect(seen).toEqual([1, 10, 20]);
  });
});
