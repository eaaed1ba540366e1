import { describe, expect, it } from 'vitest';
import {
  AionError,
  assertSerializable,
  checkPayload,
  decode,
  encode,
  encodePayload,
} from '../../src/core/index.js';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return error instanceof AionError ? error.code : 'not an AionError';
  }
  return undefined;
};

describe('payload codec', () => {
  it('round-trips Date, Map, Set, BigInt, typed arrays and undefined', () => {
    const value = {
      at: new Date(1_700_000_000_123),
      map: new Map<unknown, unknown>([
        [1, 'one'],
        ['k', { deep: [1, 2] }],
      ]),
      set: new Set([1, 'two']),
      big: 12345678901234567890n,
      huge: 2n ** 100n,
      bytes: new Uint8Array([1, 2, 3]),
      floats: new Float64Array([1.5, -2]),
      missing: undefined,
      list: [undefined, null, 'x'],
    };
    const back = decode(encode(value)) as typeof value;
    expect(back.at).toEqual(value.at);
    expect(back.map).toEqual(value.map);
    expect(back.set).toEqual(value.set);
    expect(back.big).toBe(value.big);
    expect(back.huge).toBe(value.huge);
    expect(back.bytes).toEqual(value.bytes);
    expect(back.floats).toEqual(value.floats);
    expect('missing' in back && back.missing === undefined).toBe(true);
    expect(back.list).toEqual(value.list);
  });

  it('rejects what it cannot store faithfully, naming the path', () => {
    class WithMethod {
      x = 1;
      method(): number {
        return this.x;
      }
    }
    const cycle: Record<string, unknown> = {};
    cycle.self = cycle;
    for (const bad of [
      { f: () => 1 },
      { s: Symbol('s') },
      { c: new WithMethod() },
      cycle,
      { [Symbol('k')]: 1 },
      JSON.parse('{"__proto__": {"polluted": true}}') as unknown,
      { p: Promise.resolve(1) },
    ]) {
      expect(codeOf(() => assertSerializable(bad))).toBe('PAYLOAD_NOT_SERIALIZABLE');
      expect(codeOf(() => checkPayload(bad))).toBe('PAYLOAD_NOT_SERIALIZABLE');
    }
    expect(() => assertSerializable({ a: { b: [() => 1] } })).toThrow(/\$\.a\.b\[0\]/);
  });

  it('names the path of what cannot be stored inside Maps, Sets and deep nesting', () => {
    const pathOf = (value: unknown): unknown => {
      try {
        assertSerializable(value, 'input');
      } catch (error) {
        return (error as { details?: { path?: unknown } }).details?.path;
      }
      return undefined;
    };
    expect(pathOf(new Map([['k', { f: () => 1 }]]))).toBe('input.<value 0>.f');
    expect(pathOf(new Map([[Symbol('k'), 1]]))).toBe('input.<key 0>');
    expect(pathOf({ s: new Set([1, [Symbol('x')]]) })).toBe('input.s.<item 1>[0]');
    // Past 32 levels the cycle check keeps its ancestors in a Set: the same
    // cycle is still found, and a shared (acyclic) object is not one.
    let deep: Record<string, unknown> = {};
    const top = deep;
    for (let i = 0; i < 40; i++) deep = deep.n = {};
    deep.back = top;
    expect(pathOf(top)).toBe(`input${'.n'.repeat(40)}.back`);
    const shared = { leaf: 1 };
    let wide: Record<string, unknown> = {};
    const root = wide;
    for (let i = 0; i < 40; i++) wide = wide.n = { a: shared, b: shared };
    expect(pathOf(root)).toBeUndefined();
  });

  it('never pollutes a prototype when decoding hostile bytes', () => {
    const hostile = encode({ ['__proto__' + '']: 1, constructor: { prototype: { polluted: 1 } } });
    const decoded = decode(hostile) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded.constructor).toEqual({ prototype: { polluted: 1 } });
  });

  it('checkPayload skips the encode for small payloads and still catches large ones', () => {
    expect(codeOf(() => checkPayload({ text: 'x'.repeat(100) }, 1024))).toBeUndefined();
    expect(codeOf(() => checkPayload({ text: 'x'.repeat(2000) }, 1024))).toBe('PAYLOAD_TOO_LARGE');
    expect(codeOf(() => encodePayload({ text: 'x'.repeat(2000) }, 1024))).toBe('PAYLOAD_TOO_LARGE');
    // Near the limit the bound is not enough: the payload is encoded and fits.
    expect(codeOf(() => checkPayload({ text: 'x'.repeat(900) }, 1024))).toBeUndefined();
    expect(codeOf(() => checkPayload(new Uint8Array(4096), 1024))).toBe('PAYLOAD_TOO_LARGE');
  });
});
