import { randomBytes } from 'node:crypto';
import { monotonicFactory } from 'ulid';
import { isWellFormed } from './codec.js';
import { InvalidArgumentError } from './errors.js';

/** The longest accepted id, in UTF-16 code units. */
export const MAX_ID_LENGTH = 256;

// Control characters (C0, DEL, C1) are rejected: the store separates key
// parts with one of them, and they make logs and terminals unreadable.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks a user-facing id (workflow id, signal or query name, type name).
 *
 * @throws InvalidArgumentError for a non-string, an empty string, over 256
 * characters, any control character, or a lone surrogate.
 */
export function assertValidId(id: unknown, what = 'id'): asserts id is string {
  if (typeof id !== 'string') throw new InvalidArgumentError(`${what} must be a string`);
  if (id.length === 0) throw new InvalidArgumentError(`${what} must not be empty`);
  if (id.length > MAX_ID_LENGTH) {
    throw new InvalidArgumentError(`${what} is ${id.length} characters, over ${MAX_ID_LENGTH}`);
  }
  if (CONTROL.test(id))
    throw new InvalidArgumentError(`${what} must not contain control characters`);
  // Keys are UTF-8 on disk: two ids differing only in a lone surrogate would share one key.
  if (!isWellFormed(id)) throw new InvalidArgumentError(`${what} must not contain lone surrogates`);
}

/**
 * A pooled random source for ULIDs: one `randomBytes` call serves thousands
 * of ids, which is what makes id generation cheap on the start path.
 */
function pooledRandom(poolSize = 8192): () => number {
  let pool = randomBytes(poolSize);
  let offset = 0;
  return () => {
    if (offset >= pool.length) {
      pool = randomBytes(poolSize);
      offset = 0;
    }
    return (pool[offset++] ?? 0) / 256;
  };
}

/** Makes strictly increasing ULIDs; `seedTime` is epoch ms from the engine clock. */
export type IdFactory = (seedTime?: number) => string;

/**
 * Creates a monotonic ULID factory with a pooled random source, so ids made
 * in the same millisecond still sort in creation order.
 */
export function createIdFactory(): IdFactory {
  return monotonicFactory(pooledRandom());
}
