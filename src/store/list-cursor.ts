import { InvalidArgumentError } from '../core/index.js';
import type { IndexName } from './index-changes.js';

/** Where a listing page stopped: the index it walked and the last key returned. */
export interface ListPosition {
  readonly index: IndexName;
  readonly key: string;
}

/**
 * Encodes a listing position as an opaque, URL-safe cursor. The key is stored
 * verbatim: a listing key is self-describing, so the next page can start
 * right below it even if the run it names changed status meanwhile.
 */
export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.index, position.key]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodeCursor} for the given index.
 *
 * @throws InvalidArgumentError when the cursor is malformed or was made by a
 * listing with another filter.
 */
export function decodeCursor(cursor: string, index: IndexName, group: string): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    parsed[0] !== index ||
    typeof parsed[1] !== 'string' ||
    !parsed[1].startsWith(group)
  ) {
    throw new InvalidArgumentError('the cursor is malformed or belongs to another filter', {
      details: { cursor },
    });
  }
  return { index, key: parsed[1] };
}
