import { Packr } from 'msgpackr';
import { AionError, ErrorCode, PayloadError, StoreError } from './errors.js';

/** The default largest encoded payload: 2 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

/**
 * The deepest nesting of arrays, objects, Maps and Sets a payload may have.
 * msgpackr encodes and decodes recursively and overflows the stack at about
 * 1,200 levels (fewer when called deep in a stack): a payload accepted
 * beyond that could be refused by the store's encoder, or written and then
 * never read back. 500 leaves a wide margin and no real data nests so deep.
 */
export const MAX_PAYLOAD_DEPTH = 500;

/**
 * One msgpackr configuration for everything aion-ts stores: `moreTypes`
 * round-trips Set and typed arrays, records make repeated shapes cheap, and
 * `int64AsType` keeps BigInt as BigInt.
 *
 * msgpackr's decoder renames an own `__proto__` key to `__proto_` and only
 * ever instantiates built-in error classes, so decoding stored bytes cannot
 * pollute a prototype or run user-named constructors.
 */
const packr = new Packr({ moreTypes: true, int64AsType: 'bigint', useBigIntExtension: true });

/** Encodes a value already known to be serializable. */
export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

/**
 * Decodes bytes written by {@link encode}.
 *
 * @throws StoreError `STORE_CORRUPT` for bytes that are not one whole
 * msgpack value (truncated, trailing bytes, unknown extensions, nesting
 * that overflows the stack); the store adds the key that held them.
 */
export function decode(bytes: Uint8Array): unknown {
  try {
    return packr.unpack(bytes);
  } catch (cause) {
    throw new StoreError(ErrorCode.STORE_CORRUPT, 'the bytes are not a valid msgpack value', {
      cause,
    });
  }
}

const BUILTIN_LEAVES: ReadonlySet<unknown> = new Set([
  Date.prototype,
  RegExp.prototype,
  ArrayBuffer.prototype,
  Error.prototype,
  TypeError.prototype,
  RangeError.prototype,
  SyntaxError.prototype,
  ReferenceError.prototype,
  EvalError.prototype,
  URIError.prototype,
]);

function fail(path: string, why: string): never {
  throw new PayloadError(
    ErrorCode.PAYLOAD_NOT_SERIALIZABLE,
    `payload at ${path} cannot be stored: ${why}`,
    { details: { path } },
  );
}

function isPlainPrototype(proto: unknown): boolean {
  return proto === Object.prototype || proto === null;
}

/** True for class instances whose prototype chain carries methods. */
function hasMethods(proto: object | null): boolean {
  for (
    let p = proto;
    p !== null && p !== Object.prototype;
    p = Object.getPrototypeOf(p) as object | null
  ) {
    for (const key of Object.getOwnPropertyNames(p)) {
      if (key === 'constructor') continue;
      const descriptor = Object.getOwnPropertyDescriptor(p, key);
      if (
        descriptor !== undefined &&
        (typeof descriptor.value === 'function' || descriptor.get !== undefined)
      ) {
        return true;
      }
    }
  }
  return false;
}

/**
 * Checks that msgpackr can encode `value` faithfully: no functions, symbols,
 * cycles, class instances with methods, symbol keys, own `__proto__` keys,
 * strings with lone surrogates, or nesting deeper than
 * {@link MAX_PAYLOAD_DEPTH}.
 *
 * @throws PayloadError with code `PAYLOAD_NOT_SERIALIZABLE`, naming the path.
 */
export function assertSerializable(value: unknown, path = '$'): void {
  walkPayload(value, path);
}

/**
 * Walks a payload, turning what user code throws on the way (a getter, a
 * Proxy trap, a stack overflow) into `PAYLOAD_NOT_SERIALIZABLE`: msgpackr
 * would meet the same throw while encoding, after the call was accepted.
 */
function walkPayload(value: unknown, what: string): number {
  try {
    return walk(value, what, new Set<object>(), 0);
  } catch (cause) {
    if (cause instanceof AionError) throw cause;
    const reason = cause instanceof Error ? cause.message : String(cause);
    throw new PayloadError(
      ErrorCode.PAYLOAD_NOT_SERIALIZABLE,
      `${what} cannot be read to be stored: ${reason}`,
      { cause, details: { path: what } },
    );
  }
}

/**
 * Validates a payload like {@link encodePayload} without encoding it when an
 * upper bound of its encoded size is comfortably under the limit: the walk
 * that checks it also bounds its size, so small payloads are encoded once
 * (by the store), not twice.
 *
 * @throws PayloadError `PAYLOAD_NOT_SERIALIZABLE` or `PAYLOAD_TOO_LARGE`.
 */
export function checkPayload(
  value: unknown,
  maxBytes: number = DEFAULT_MAX_PAYLOAD_BYTES,
  what = 'payload',
): void {
  const bound = walkPayload(value, what);
  if (bound * 2 <= maxBytes) return;
  encodePayload(value, maxBytes, what);
}

// Upper bounds of msgpack sizes: a string takes at most 3 bytes per UTF-16
// unit plus a header; a leaf whose size is not bounded here forces an encode.
const UNBOUNDED = Number.POSITIVE_INFINITY;
const stringBound = (text: string): number => 5 + 3 * text.length;

/**
 * True when a string holds no lone surrogate. UTF-8 cannot encode one: the
 * store would write U+FFFD instead, and the code would read back a
 * different string than it was given.
 */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}

function walk(value: unknown, path: string, ancestors: Set<object>, depth: number): number {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return 3;
    case 'number':
      return 9;
    case 'string':
      if (!isWellFormed(value)) fail(path, 'a string with a lone surrogate is not valid UTF-8');
      return stringBound(value);
    case 'bigint':
      return 16 + value.toString(16).length;
    case 'function':
      fail(path, 'functions cannot be stored');
    case 'symbol':
      fail(path, 'symbols cannot be stored');
    case 'object':
      break;
  }
  if (value === null) return 3;
  if (ancestors.has(value)) fail(path, 'the value contains a cycle');
  if (ArrayBuffer.isView(value)) return 16 + value.byteLength;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Date.prototype) return 16;
  if (BUILTIN_LEAVES.has(proto)) return UNBOUNDED;
  if (depth >= MAX_PAYLOAD_DEPTH) fail(path, `it nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  ancestors.add(value);
  const inner = depth + 1;
  let size = 16;
  try {
    if (Array.isArray(value)) {
      if (proto !== Array.prototype) fail(path, 'array subclasses cannot be stored faithfully');
      for (let i = 0; i < value.length; i++)
        size += walk(value[i], `${path}[${i}]`, ancestors, inner);
      return size;
    }
    if (value instanceof Map) {
      if (proto !== Map.prototype) fail(path, 'Map subclasses cannot be stored faithfully');
      let i = 0;
      for (const [k, v] of value) {
        size += walk(k, `${path}.<key ${i}>`, ancestors, inner);
        size += walk(v, `${path}.<value ${i}>`, ancestors, inner);
        i++;
      }
      return size;
    }
    if (value instanceof Set) {
      if (proto !== Set.prototype) fail(path, 'Set subclasses cannot be stored faithfully');
      let i = 0;
      for (const v of value) size += walk(v, `${path}.<item ${i++}>`, ancestors, inner);
      return size;
    }
    if (value instanceof Promise) fail(path, 'promises cannot be stored');
    if (!isPlainPrototype(proto) && hasMethods(proto as object)) {
      const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'anonymous';
      fail(path, `instances of class ${name} carry methods that would be lost`);
    }
    if (Object.getOwnPropertySymbols(value).length > 0) fail(path, 'symbol keys cannot be stored');
    for (const key of Object.keys(value)) {
      if (key === '__proto__') fail(path, "an own '__proto__' key cannot be stored faithfully");
      if (!isWellFormed(key)) fail(path, 'a key with a lone surrogate is not valid UTF-8');
      size +=
        stringBound(key) +
        walk((value as Record<string, unknown>)[key], `${path}.${key}`, ancestors, inner);
    }
    return size;
  } finally {
    ancestors.delete(value);
  }
}

/**
 * Validates and encodes a user payload in one step.
 *
 * @param what names the payload in error messages (e.g. `'workflow input'`).
 * @throws PayloadError `PAYLOAD_NOT_SERIALIZABLE` or `PAYLOAD_TOO_LARGE`.
 * @returns the encoded bytes (callers that only validate may drop them).
 */
export function encodePayload(
  value: unknown,
  maxBytes: number = DEFAULT_MAX_PAYLOAD_BYTES,
  what = 'payload',
): Uint8Array {
  walkPayload(value, what);
  let bytes: Uint8Array;
  try {
    bytes = packr.pack(value);
  } catch (cause) {
    throw new PayloadError(ErrorCode.PAYLOAD_NOT_SERIALIZABLE, `${what} cannot be encoded`, {
      cause,
    });
  }
  if (bytes.byteLength > maxBytes) {
    throw new PayloadError(
      ErrorCode.PAYLOAD_TOO_LARGE,
      `${what} is ${bytes.byteLength} bytes, over the limit of ${maxBytes}`,
      { details: { bytes: bytes.byteLength, maxBytes } },
    );
  }
  return bytes;
}
