import { AionError, ErrorCode, PayloadError } from './errors.js';

/**
 * The deepest nesting of arrays, objects, Maps and Sets a payload may have.
 * msgpackr encodes and decodes recursively and overflows the stack at about
 * 1,200 levels (fewer when called deep in a stack): a payload accepted
 * beyond that could be refused by the store's encoder, or written and then
 * never read back. 500 leaves a wide margin and no real data nests so deep.
 */
export const MAX_PAYLOAD_DEPTH = 500;

/**
 * True when a string holds no lone surrogate. UTF-8 cannot encode one: the
 * store would write U+FFFD instead, and the code would read back a
 * different string than it was given.
 */
export function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
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

// Upper bounds of msgpack sizes: a string takes at most 3 bytes per UTF-16
// unit plus a header; a leaf whose size is not bounded here forces an encode.
const UNBOUNDED = Number.POSITIVE_INFINITY;

/** An upper bound of a string's msgpack size. */
const stringBound = (text: string): number => 5 + 3 * text.length;

/** How a path step is written: `[i]`, `.<key i>`, `.<value i>`, `.<item i>`, `.key`. */
const enum Step {
  Index,
  MapKey,
  MapValue,
  SetItem,
  Property,
}

/** Ancestors beyond which cycle checks use a Set instead of a scan. */
const SCAN_DEPTH = 32;

/**
 * Where the walk is: the objects it is inside (for cycle checks) and the
 * steps that led there. The path string is built only when a check fails:
 * payloads are walked on every step of every run, and almost all pass.
 */
class Trail {
  readonly #root: string;
  readonly #ancestors: object[] = [];
  /** Made once the walk is deeper than {@link SCAN_DEPTH}; then kept in step. */
  #deep: Set<object> | undefined;
  readonly #steps: Step[] = [];
  readonly #parts: Array<string | number> = [];

  constructor(root: string) {
    this.#root = root;
  }

  get depth(): number {
    return this.#ancestors.length;
  }

  inside(value: object): boolean {
    return this.#deep !== undefined ? this.#deep.has(value) : this.#ancestors.includes(value);
  }

  enter(value: object): void {
    this.#ancestors.push(value);
    if (this.#deep !== undefined) this.#deep.add(value);
    else if (this.#ancestors.length > SCAN_DEPTH) this.#deep = new Set(this.#ancestors);
  }

  leave(): void {
    const value = this.#ancestors.pop();
    if (value !== undefined) this.#deep?.delete(value);
  }

  step(kind: Step, part: string | number): void {
    this.#steps.push(kind);
    this.#parts.push(part);
  }

  back(): void {
    this.#steps.pop();
    this.#parts.pop();
  }

  path(): string {
    let path = this.#root;
    for (let i = 0; i < this.#steps.length; i++) {
      const part = String(this.#parts[i]);
      switch (this.#steps[i] as Step) {
        case Step.Index:
          path += `[${part}]`;
          break;
        case Step.MapKey:
          path += `.<key ${part}>`;
          break;
        case Step.MapValue:
          path += `.<value ${part}>`;
          break;
        case Step.SetItem:
          path += `.<item ${part}>`;
          break;
        case Step.Property:
          path += `.${part}`;
          break;
      }
    }
    return path;
  }

  fail(why: string): never {
    const path = this.path();
    throw new PayloadError(
      ErrorCode.PAYLOAD_NOT_SERIALIZABLE,
      `payload at ${path} cannot be stored: ${why}`,
      { details: { path } },
    );
  }
}

/**
 * Checks that msgpackr can encode `value` faithfully and returns an upper
 * bound of its encoded size. What user code throws on the way (a getter, a
 * Proxy trap, a stack overflow) becomes `PAYLOAD_NOT_SERIALIZABLE`: msgpackr
 * would meet the same throw while encoding, after the call was accepted.
 *
 * @param what names the payload; failures name the path from it (`$.a[2]`).
 * @throws PayloadError `PAYLOAD_NOT_SERIALIZABLE`, naming the path.
 */
export function walkPayload(value: unknown, what: string): number {
  try {
    return walk(value, new Trail(what));
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

function walk(value: unknown, trail: Trail): number {
  switch (typeof value) {
    case 'undefined':
    case 'boolean':
      return 3;
    case 'number':
      return 9;
    case 'string':
      if (!isWellFormed(value)) trail.fail('a string with a lone surrogate is not valid UTF-8');
      return stringBound(value);
    case 'bigint':
      return 16 + value.toString(16).length;
    case 'function':
      trail.fail('functions cannot be stored');
    case 'symbol':
      trail.fail('symbols cannot be stored');
    case 'object':
      break;
  }
  if (value === null) return 3;
  if (trail.inside(value)) trail.fail('the value contains a cycle');
  if (ArrayBuffer.isView(value)) return 16 + value.byteLength;
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Date.prototype) return 16;
  if (BUILTIN_LEAVES.has(proto)) return UNBOUNDED;
  if (trail.depth >= MAX_PAYLOAD_DEPTH) {
    trail.fail(`it nests deeper than ${MAX_PAYLOAD_DEPTH} levels`);
  }
  trail.enter(value);
  const size = 16 + walkInside(value, proto, trail);
  trail.leave();
  return size;
}

/** The sizes of what an array, Map, Set or plain object holds. */
function walkInside(value: object, proto: unknown, trail: Trail): number {
  let size = 0;
  if (Array.isArray(value)) {
    if (proto !== Array.prototype) trail.fail('array subclasses cannot be stored faithfully');
    for (let i = 0; i < value.length; i++) size += walkStep(value[i], Step.Index, i, trail);
    return size;
  }
  if (value instanceof Map) {
    if (proto !== Map.prototype) trail.fail('Map subclasses cannot be stored faithfully');
    let i = 0;
    for (const [k, v] of value) {
      size += walkStep(k, Step.MapKey, i, trail);
      size += walkStep(v, Step.MapValue, i, trail);
      i++;
    }
    return size;
  }
  if (value instanceof Set) {
    if (proto !== Set.prototype) trail.fail('Set subclasses cannot be stored faithfully');
    let i = 0;
    for (const v of value) size += walkStep(v, Step.SetItem, i++, trail);
    return size;
  }
  if (value instanceof Promise) trail.fail('promises cannot be stored');
  if (!isPlainPrototype(proto) && hasMethods(proto as object)) {
    const name = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'anonymous';
    trail.fail(`instances of class ${name} carry methods that would be lost`);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) trail.fail('symbol keys cannot be stored');
  for (const key of Object.keys(value)) {
    if (key === '__proto__') trail.fail("an own '__proto__' key cannot be stored faithfully");
    if (!isWellFormed(key)) trail.fail('a key with a lone surrogate is not valid UTF-8');
    size +=
      stringBound(key) +
      walkStep((value as Record<string, unknown>)[key], Step.Property, key, trail);
  }
  return size;
}

function walkStep(value: unknown, kind: Step, part: string | number, trail: Trail): number {
  trail.step(kind, part);
  const size = walk(value, trail);
  trail.back();
  return size;
}
