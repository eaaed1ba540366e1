import { InvalidArgumentError, assertValidId } from '../core/index.js';

/** The largest seq a fixed-width history key can hold. */
export const MAX_SEQ = 9_999_999_999;

/** The latest time a timer or listing key holds: later bounds are clamped to it. */
export const MAX_TIME = Number.MAX_SAFE_INTEGER;

/**
 * Checks ids given to a read. Beyond tidiness this keeps a read inside its
 * run: an id holding the key separator could otherwise reach other runs' keys.
 *
 * @throws InvalidArgumentError for an id that could not have been stored.
 */
export function assertRunIds(workflowId: unknown, runId: unknown): void {
  assertValidId(workflowId, 'workflowId');
  assertValidId(runId, 'runId');
}

/**
 * Normalises the seq bounds of a history read: `fromSeq` defaults to 1 and
 * `toSeq` to the end; both are inclusive.
 *
 * @returns the range, or `undefined` when it is empty.
 * @throws InvalidArgumentError for a bound that is not a number.
 */
export function seqRange(
  fromSeq: number | undefined,
  toSeq: number | undefined,
): { from: number; to: number } | undefined {
  for (const [what, value] of [
    ['fromSeq', fromSeq],
    ['toSeq', toSeq],
  ] as const) {
    if (value !== undefined && (typeof value !== 'number' || Number.isNaN(value))) {
      throw new InvalidArgumentError(`${what} must be a number`, { details: { [what]: value } });
    }
  }
  const from = Math.max(1, Math.ceil(fromSeq ?? 1));
  const to = Math.min(MAX_SEQ, Math.floor(toSeq ?? MAX_SEQ));
  return from > to ? undefined : { from, to };
}

/**
 * Checks the page size of a query.
 *
 * @throws InvalidArgumentError unless `limit` is an integer >= 1.
 */
export function assertLimit(limit: unknown, what: string): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1`, { details: { limit } });
  }
}

/**
 * Checks a time bound of a query.
 *
 * @throws InvalidArgumentError unless `value` is a number (of epoch ms).
 */
export function assertTime(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(`${what} must be a number of epoch ms`, { details: { value } });
  }
}
