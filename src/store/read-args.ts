import { InvalidArgumentError, assertValidId } from '../core/index.js';

/** The largest seq a fixed-width history key can hold. */
export const MAX_SEQ = 9_999_999_999;

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
