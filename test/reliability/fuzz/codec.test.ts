import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AionError,
  MAX_PAYLOAD_DEPTH,
  PayloadError,
  StoreError,
  checkPayload,
  decode,
  encode,
} from '../../../src/core/index.js';
import { fuzzRuns } from './fuzz-runs.js';

/**
 * Property-based fuzzing of the payload codec (src/core/codec.ts): what
 * `checkPayload` accepts round-trips; what it cannot store faithfully is
 * refused with a typed error, never a crash; decoding any bytes yields a
 * value or `STORE_CORRUPT`, never pollutes a prototype and never builds an
 * instance of a class named by the bytes.
 */

// ---- a user class that hostile bytes name, and a canary for pollution ----

let constructed = 0;
/** A class reachable by name through `globalThis`: decoding must never build one. */
class Evil {
  constructor() {
    constructed++;
  }
}
const globals = globalThis as unknown as Record<string, unknown>;
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();
beforeAll(() => {
  globals.Evil = Evil;
});
afterAll(() => {
  delete globals.Evil;
});

/** Object.prototype still has exactly its own properties, and nothing was set on it. */
function expectUnpolluted(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(constructed).toBe(0);
}

// Prototypes a decoded value may have: built-ins only (and msgpackr's marker of the
// reserved 0xc1 byte), never a user's class.
const TYPED_ARRAYS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
];
const ERRORS = [Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError];
const ALLOWED_PROTOTYPES = new Set<unknown>([
  null,
  Object.prototype,
  Array.prototype,
  Map.prototype,
  Set.prototype,
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  DataView.prototype,
  AggregateError.prototype,
  ...TYPED_ARRAYS.map((c) => c.prototype),
  ...ERRORS.map((c) => c.prototype),
]);

/** Every object reachable in a decoded value has a built-in prototype. */
function expectOnlyBuiltins(value: unknown, seen = new Set<unknown>()): void {
  if (typeof value !== 'object' || value === null || seen.has(value)) return;
  seen.add(value);
  const proto: unknown = Object.getPrototypeOf(value);
  const name = (proto as { constructor?: { name?: string } } | null)?.constructor?.name;
  if (!ALLOWED_PROTOTYPES.has(proto) && name !== 'C1Type') {
    throw new Error(`decoded an instance of ${String(name)}`);
  }
  const children =
    value instanceof Map
      ? [...value.keys(), ...value.values()]
      : value instanceof Set
        ? [...value]
        : ArrayBuffer.isView(value)
          ? []
          : Object.values(value);
  for (const child of children) expectOnlyBuiltins(child, seen);
}

/** Decodes hostile bytes: a value of built-ins only, or `STORE_CORRUPT`, and nothing else. */
function decodeHostile(bytes: Uint8Array): void {
  let value: unknown;
  try {
    value = decode(bytes);
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe('STORE_CORRUPT');
    return;
  } finally {
    expectUnpolluted();
  }
  expectOnlyBuiltins(value);
}

/** The codec still round-trips after whatever the previous decode did to its state. */
const CANARY = {
  records: [
    { a: 1, b: 'x' },
    { a: 2, b: 'y' },
  ],
  map: new Map([[1, 2n]]),
};
function expectCodecIntact(): void {
  expect(decode(encode(CANARY))).toEqual(CANARY);
}

// ---- value generators ----

/** Keys that mean something to JavaScript objects, plus ordinary ones. */
const keys = fc.oneof(
  fc.constantFrom(
    'constructor',
    'prototype',
    '__proto_',
    'toString',
    'valueOf',
    'hasOwnProperty',
    '__defineGetter__',
    'then',
    'length',
    '0',
  ),
  fc.string({ unit: 'grapheme', maxLength: 8 }),
);
/** Numbers as msgpack keeps them: -0 becomes 0, as in JSON (docs/reliability.md). */
const number = fc.oneof(
  fc.integer(),
  fc.double().map((n) => (Object.is(n, -0) ? 0 : n)),
  fc.constantFrom(Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER, 2 ** 53 + 2, -(2 ** 63)),
);
const primitive = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 24 }),
  number,
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt({ min: -(2n ** 200n), max: 2n ** 200n }),
);
const leaf = fc.oneof(
  primitive,
  fc.date({ min: new Date(-8.64e15), max: new Date(8.64e15) }),
  fc.uint8Array({ maxLength: 16 }),
  fc.int32Array({ maxLength: 8 }),
  fc.float64Array({ maxLength: 8 }),
  fc.bigInt64Array({ maxLength: 4 }),
);
const { value } = fc.letrec<{
  value: unknown;
  array: unknown[];
  object: Record<string, unknown>;
  map: Map<unknown, unknown>;
  set: Set<unknown>;
}>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(keys, tie('value'), { maxKeys: 5 }),
  map: fc
    .array(fc.tuple(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), tie('value')), {
      maxLength: 4,
    })
    .map((entries) => new Map(entries)),
  set: fc.array(primitive, { maxLength: 4 }).map((items) => new Set(items)),
}));

/** Anything fast-check can build, lone surrogates, boxed values and null prototypes included. */
const anything = fc.oneof(
  fc.anything({
    withBigInt: true,
    withMap: true,
    withSet: true,
    withDate: true,
    withTypedArray: true,
    withSparseArray: true,
    withBoxedValues: true,
    withNullPrototype: true,
    withObjectString: true,
    stringUnit: 'binary',
    maxDepth: 4,
  }),
  fc.func(fc.integer()),
  fc.constant(Symbol('s')),
);

function codeOf(call: () => void): string | undefined {
  try {
    call();
    return undefined;
  } catch (error) {
    if (!(error instanceof AionError)) throw error;
    return error.code;
  }
}

// ---- hostile bytes ----

/** An ext frame (fixext 1/2/4/8/16 or ext 8) of `type` carrying `data`. */
function ext(type: number, data: Uint8Array): Uint8Array {
  const fixed: Record<number, number> = { 1: 0xd4, 2: 0xd5, 4: 0xd6, 8: 0xd7, 16: 0xd8 };
  const head = fixed[data.length];
  const header = head === undefined ? [0xc7, data.length & 0xff, type & 0xff] : [head, type & 0xff];
  return Uint8Array.from([...header, ...data]);
}

/** The extension types msgpackr knows (errors, typed arrays, references, sets, regexps, bigints, dates, bundles, records) and some it does not. */
const extType = fc.oneof(
  fc.constantFrom(0x65, 0x74, 0x69, 0x70, 0x73, 0x78, 0x42, 0xff, 0x62, 0x72, 0x00),
  fc.integer({ min: 0, max: 255 }),
);
/** Values hostile bytes like to carry: names of globals and prototype keys. */
const hostileValue = fc.oneof(
  value,
  fc.constantFrom(
    'Evil',
    'Function',
    'eval',
    'constructor',
    '__proto__',
    'prototype',
    ['Evil', 'x', undefined],
    ['Function', 'return 1'],
    ['__proto__', 'constructor'],
    { __proto_: { polluted: 1 } },
  ),
);
const fragment = fc.oneof(
  hostileValue.map((v) => encode(v)),
  fc.tuple(extType, fc.uint8Array({ maxLength: 20 })).map(([type, data]) => ext(type, data)),
  fc
    .tuple(extType, hostileValue)
    .map(([type, v]) => Uint8Array.from([...ext(type, Uint8Array.of(0)), ...encode(v)])),
  fc.uint8Array({ minLength: 1, maxLength: 4 }),
);
const hostileBytes = fc
  .array(fragment, { minLength: 1, maxLength: 4 })
  .map((parts) => Uint8Array.from(parts.flatMap((p) => [...p])));

/** A valid encoding with bytes flipped, inserted, removed or cut off. */
const mutatedEncoding = fc
  .tuple(
    value,
    fc.array(
      fc.tuple(
        fc.constantFrom('flip', 'insert', 'remove', 'truncate'),
        fc.nat(),
        fc.integer({ min: 0, max: 255 }),
      ),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([v, edits]) => {
    const bytes = [...encode(v)];
    for (const [edit, at, byte] of edits) {
      const i = bytes.length === 0 ? 0 : at % bytes.length;
      if (edit === 'flip') bytes[i] = (bytes[i] ?? 0) ^ (byte || 1);
      else if (edit === 'insert') bytes.splice(i, 0, byte);
      else if (edit === 'remove') bytes.splice(i, 1);
      else bytes.length = i;
    }
    return Uint8Array.from(bytes);
  });

// Long modes (FUZZ_RUNS) outlast vitest's default timeout.
describe('payload codec fuzzing', { timeout: 600_000 }, () => {
  it('round-trips every storable value it accepts', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(codeOf(() => checkPayload(v))).toBeUndefined();
        expect(decode(encode(v))).toEqual(v);
        expectUnpolluted();
      }),
      fuzzRuns(300),
    );
  });

  it('accepts or refuses anything with a typed error, and what it accepts encodes and decodes', () => {
    fc.assert(
      fc.property(anything, (v) => {
        let accepted = true;
        try {
          checkPayload(v);
        } catch (error) {
          expect(error).toBeInstanceOf(PayloadError);
          expect(['PAYLOAD_NOT_SERIALIZABLE', 'PAYLOAD_TOO_LARGE']).toContain(
            (error as PayloadError).code,
          );
          accepted = false;
        }
        if (accepted) expectOnlyBuiltins(decode(encode(v)));
        expectUnpolluted();
      }),
      fuzzRuns(300),
    );
  });

  it("keeps '__proto__', 'constructor' and 'prototype' keys as data, never on a prototype", () => {
    const hostileKey = fc.constantFrom('__proto__', 'constructor', 'prototype', 'polluted');
    const hostileJson = fc.letrec<{ node: unknown; object: Record<string, unknown> }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.integer(), fc.constant('x'), tie('object')),
      object: fc.array(fc.tuple(hostileKey, tie('node')), { maxLength: 3 }).map((entries) => {
        // JSON.parse makes own '__proto__' keys, as a request body would.
        const text = `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
        return JSON.parse(text) as Record<string, unknown>;
      }),
    })).object;
    fc.assert(
      fc.property(hostileJson, (v) => {
        const ownProto = JSON.stringify(v).includes('"__proto__"');
        const code = codeOf(() => checkPayload(v));
        expect(code).toBe(ownProto ? 'PAYLOAD_NOT_SERIALIZABLE' : undefined);
        if (code === undefined) {
          const back = decode(encode(v));
          expect(back).toEqual(v);
          expectOnlyBuiltins(back);
        }
        expectUnpolluted();
      }),
      fuzzRuns(300),
    );
  });

  it('refuses strings with lone surrogates and nesting past the depth limit', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 16 }),
        fc.integer({ min: 1, max: 2 * MAX_PAYLOAD_DEPTH }),
        (text, depth) => {
          const wellFormed = (text as string & { isWellFormed(): boolean }).isWellFormed();
          expect(codeOf(() => checkPayload({ text }))).toBe(
            wellFormed ? undefined : 'PAYLOAD_NOT_SERIALIZABLE',
          );
          // A computed '__proto__' key is an own key: refused as well.
          expect(codeOf(() => checkPayload({ [text]: 1 }))).toBe(
            wellFormed && text !== '__proto__' ? undefined : 'PAYLOAD_NOT_SERIALIZABLE',
          );
          let nested: unknown = 'bottom';
          for (let i = 0; i < depth; i++) nested = i % 2 === 0 ? [nested] : { n: nested };
          expect(codeOf(() => checkPayload(nested))).toBe(
            depth <= MAX_PAYLOAD_DEPTH ? undefined : 'PAYLOAD_NOT_SERIALIZABLE',
          );
        },
      ),
      fuzzRuns(100),
    );
  });

  it('decodes random bytes to built-ins or STORE_CORRUPT, and stays intact', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        decodeHostile(bytes);
        expectCodecIntact();
      }),
      fuzzRuns(500),
    );
  });

  it('decodes damaged encodings to built-ins or STORE_CORRUPT, and stays intact', () => {
    fc.assert(
      fc.property(mutatedEncoding, (bytes) => {
        decodeHostile(bytes);
        expectCodecIntact();
      }),
      fuzzRuns(500),
    );
  });

  it('decodes crafted extension frames to built-ins or STORE_CORRUPT, and stays intact', () => {
    fc.assert(
      fc.property(hostileBytes, (bytes) => {
        decodeHostile(bytes);
        expectCodecIntact();
      }),
      fuzzRuns(500),
    );
  });
});

describe('decoding hostile bytes', () => {
  const text = (s: string): number[] => [0xa0 | s.length, ...Buffer.from(s)];

  it("builds an error named after a user's class as a plain Error, never the class", () => {
    // msgpackr's error extension: [name, message, cause].
    const bytes = Uint8Array.from([0xd4, 0x65, 0x00, 0x93, ...text('Evil'), ...text('x'), 0xc0]);
    const decoded = decode(bytes);
    expect(decoded).toBeInstanceOf(Error);
    expect(Object.getPrototypeOf(decoded)).toBe(Error.prototype);
    expect(decoded).toMatchObject({ name: 'Evil', message: 'x' });
    expectUnpolluted();
  });

  it('refuses a typed-array extension naming no built-in array', () => {
    expect(() => decode(Uint8Array.from([0xc7, 0x03, 0x74, 0x20, 0x01, 0x00]))).toThrow(
      expect.objectContaining({ code: 'STORE_CORRUPT' }),
    );
  });

  it("reads a record whose keys are '__proto__' and 'constructor' as plain data", () => {
    // Record definition 0x40 with keys ['__proto__', 'constructor'], then its values.
    const bytes = Uint8Array.from([
      0xd4,
      0x72,
      0x40,
      0x92,
      ...text('__proto__'),
      ...text('constructor'),
      0x81,
      ...text('polluted'),
      0x01,
      0x02,
    ]);
    const decoded = decode(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(decoded)).toBe(Object.prototype);
    expect(decoded.polluted).toBeUndefined();
    expect(decoded.constructor).toBe(2);
    expectUnpolluted();
  });

  it('refuses a back-reference to nothing, trailing bytes and an empty buffer', () => {
    for (const bytes of [
      Uint8Array.from([0xd6, 0x70, 0, 0, 0, 1]),
      Uint8Array.from([...encode({ a: 1 }), 0xc0]),
      new Uint8Array(0),
    ]) {
      expect(() => decode(bytes)).toThrow(expect.objectContaining({ code: 'STORE_CORRUPT' }));
    }
    expectCodecIntact();
  });
});
