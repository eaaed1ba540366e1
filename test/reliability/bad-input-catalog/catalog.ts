import { describe, expect, it } from 'vitest';
import type { MemoryStoreData } from '../../../src/store/index.js';

/**
 * The shared table format of the bad-input catalog. Every surface (engine,
 * handle, ctx, supervisors, CLI, HTTP) lists its cases as rows of one shape:
 * what is wrong, the call, and how it must be refused. The refusal always
 * names the stable `code`; each surface adds what identifies the error on
 * it (the error class in process, the HTTP status, the CLI exit code).
 */
export interface CatalogCase<Subject, Refusal extends { readonly code: string }> {
  /** What is wrong with the input; reads as the test title. */
  readonly what: string;
  /** Makes the bad call; it may throw or return a promise that rejects. */
  readonly call: (subject: Subject) => unknown;
  /** How the call must be refused. */
  readonly refusal: Refusal;
}

/** An error class, compared with `instanceof`. */
export type ErrorClass = abstract new (...args: never[]) => Error;

/** The refusal of an in-process call: an error of this class with this code. */
export interface ErrorRefusal {
  readonly error: ErrorClass;
  readonly code: string;
}

/** Builds an {@link ErrorRefusal}. */
export function refused(error: ErrorClass, code: string): ErrorRefusal {
  return { error, code };
}

/** What a call did: threw (synchronously or by rejecting) or returned a value. */
export type Settlement =
  | { readonly threw: true; readonly error: unknown }
  | { readonly threw: false; readonly value: unknown };

/** Runs a call and reports how it settled; never throws. */
export async function settle(call: () => unknown): Promise<Settlement> {
  try {
    return { threw: false, value: await call() };
  } catch (error) {
    return { threw: true, error };
  }
}

/** Asserts that a call was refused with the class and code of `refusal`. */
export function expectRefusal(settlement: Settlement, refusal: ErrorRefusal): void {
  expect(settlement.threw, `expected a refusal with ${refusal.code}`).toBe(true);
  if (!settlement.threw) return;
  const { error } = settlement;
  expect(error, `expected ${refusal.error.name} ${refusal.code}`).toBeInstanceOf(refusal.error);
  expect((error as { code?: unknown }).code).toBe(refusal.code);
}

/**
 * Declares one surface's catalog: a `describe` whose title carries the
 * number of cases (docs/reliability.md quotes these counts) and one test
 * per row.
 */
export function describeCatalog<Subject, Refusal extends { readonly code: string }>(
  surface: string,
  cases: ReadonlyArray<CatalogCase<Subject, Refusal>>,
  check: (row: CatalogCase<Subject, Refusal>) => Promise<void>,
): void {
  describe(`bad-input catalog: ${surface} (${cases.length} cases)`, () => {
    it.each(cases.map((row) => [row.what, row.refusal.code, row] as const))(
      'refuses %s with %s and changes nothing',
      async (_what, _code, row) => {
        await check(row);
      },
    );
  });
}

/**
 * Every table of a MemoryStore, byte for byte: history and run records as
 * hex of their encoded bytes, index entries as stored. Two snapshots are
 * equal exactly when the store holds the same data.
 */
export interface StoreTables {
  readonly history: ReadonlyArray<readonly [string, string]>;
  readonly runs: ReadonlyArray<readonly [string, string]>;
  readonly indexes: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>>;
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/** Snapshots the tables of a MemoryStore (see {@link StoreTables}). */
export function tablesOf(data: MemoryStoreData): StoreTables {
  return {
    history: data.history.range().map(([key, value]) => [key, hex(value)] as const),
    runs: data.runs.range().map(([key, value]) => [key, hex(value)] as const),
    indexes: Object.fromEntries(
      Object.entries(data.indexes).map(([name, table]) => [name, table.range()]),
    ),
  };
}

/** A value that msgpackr cannot store faithfully: a class instance with a method. */
export class Point {
  constructor(readonly x: number) {}
  twice(): number {
    return this.x * 2;
  }
}

/** A self-referencing object. */
export function cycle(): Record<string, unknown> {
  const value: Record<string, unknown> = { name: 'loop' };
  value.self = value;
  return value;
}

/** An array nested `depth` levels deep. */
export function deeplyNested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

/** An object whose enumerable getter throws when read. */
export function throwingGetter(): object {
  return Object.defineProperty({}, 'boom', {
    enumerable: true,
    get() {
      throw new Error('getter refuses to be read');
    },
  });
}

/** Bad ids and names: each must be refused with `INVALID_ARGUMENT` wherever an id is taken. */
export const BAD_IDS: ReadonlyArray<readonly [string, unknown]> = [
  ['an empty id', ''],
  ['an id of 257 characters', 'x'.repeat(257)],
  ['an id with a NUL', 'a\u0000b'],
  ['an id with a newline', 'a\nb'],
  ['an id with DEL', 'a\u007f'],
  ['an id with a C1 control character', 'a\u0085b'],
  ['an id that is a number', 42],
];

/**
 * Payloads that cannot be stored, with the code each must be refused
 * with; `maxPayloadBytes` is 1 KiB wherever they are used.
 */
export const BAD_PAYLOADS: ReadonlyArray<readonly [string, () => unknown, string]> = [
  ['a function', () => () => 1, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a nested function', () => ({ deep: [{ f: () => 1 }] }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a symbol', () => ({ s: Symbol('s') }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a symbol key', () => ({ [Symbol('k')]: 1 }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a class instance with methods', () => ({ at: new Point(1) }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a cycle', cycle, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a promise', () => ({ p: Promise.resolve(1) }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a WeakMap', () => new WeakMap(), 'PAYLOAD_NOT_SERIALIZABLE'],
  [
    "an own '__proto__' key",
    () => JSON.parse('{"__proto__": {"polluted": 1}}') as unknown,
    'PAYLOAD_NOT_SERIALIZABLE',
  ],
  ['a getter that throws', throwingGetter, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['nesting 100,000 levels deep', () => deeplyNested(100_000), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a string over maxPayloadBytes', () => 'x'.repeat(2_000), 'PAYLOAD_TOO_LARGE'],
  ['bytes over maxPayloadBytes', () => new Uint8Array(4_096), 'PAYLOAD_TOO_LARGE'],
  ['a BigInt over maxPayloadBytes', () => 2n ** 20_000n, 'PAYLOAD_TOO_LARGE'],
];

/** Bad durations: each must be refused with `INVALID_ARGUMENT`. */
export const BAD_DURATIONS: ReadonlyArray<readonly [string, unknown]> = [
  ['a duration that does not parse', 'soonish'],
  ['a negative duration', -1],
  ['a negative duration string', '-5s'],
  ['a NaN duration', Number.NaN],
  ['an infinite duration', Number.POSITIVE_INFINITY],
  ['a duration over 100 years', 1e300],
  ['an empty duration', ''],
  ['a duration that is an object', {}],
  ['a null duration', null],
];

/** Casts a deliberately ill-typed value for a call (the catalog's whole point). */
export function untyped<T>(value: unknown): T {
  return value as T;
}
