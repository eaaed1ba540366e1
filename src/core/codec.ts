import { Packr } from 'msgpackr';
import { ErrorCode, PayloadError, StoreError } from './errors.js';
import { walkPayload } from './payload-walk.js';

export { MAX_PAYLOAD_DEPTH, isWellFormed } from './payload-walk.js';

/** The default largest encoded payload: 2 MiB. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 2 * 1024 * 1024;

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
