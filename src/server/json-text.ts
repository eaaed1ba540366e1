/**
 * Turns a value into JSON text for the HTTP API and the SSE streams.
 *
 * Payloads are msgpackr values, richer than JSON: a `BigInt` becomes its
 * decimal string, a `Map` an object (or `[key, value]` pairs when a key is
 * not a string), a `Set` an array, bytes `{ type: 'bytes', base64 }`, an
 * `Error` its name, message and code. `JSON.stringify` alone would throw on
 * a BigInt and print `{}` for a Map, an Error or a Set.
 *
 * @param value anything the engine returns or publishes.
 * @returns JSON text.
 * @example
 * ```ts
 * toJsonText({ n: 10n, m: new Map([['a', 1]]) }); // '{"n":"10","m":{"a":1}}'
 * ```
 */
export function toJsonText(value: unknown): string {
  return JSON.stringify(value, replacer) ?? 'null';
}

function replacer(this: unknown, key: string, value: unknown): unknown {
  // `value` is after `toJSON`; a Buffer would already be `{ type, data }`.
  const raw = (this as Record<string, unknown>)[key];
  if (ArrayBuffer.isView(raw)) {
    const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
    return { type: 'bytes', base64: bytes.toString('base64') };
  }
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object' || value === null) return value;
  if (value instanceof Map) {
    const entries = [...(value as Map<unknown, unknown>).entries()];
    return entries.every(([k]) => typeof k === 'string') ? Object.fromEntries(entries) : entries;
  }
  if (value instanceof Set) return [...(value as Set<unknown>)];
  if (value instanceof Error) return errorJson(value);
  return value;
}

/** The JSON shape of an error: `name`, `message`, and `code`/`details` when it has them. */
export function errorJson(error: unknown): {
  name: string;
  message: string;
  code?: string;
  details?: unknown;
} {
  if (!(error instanceof Error)) {
    return { name: 'Error', message: typeof error === 'string' ? error : 'unknown error' };
  }
  const { code, details } = error as Error & { code?: unknown; details?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(details === undefined ? {} : { details }),
  };
}
