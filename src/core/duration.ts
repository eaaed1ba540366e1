import ms from 'ms';
import { InvalidArgumentError } from './errors.js';

/** Milliseconds as a number, or a string such as `'90s'`, `'10m'`, `'2h'`, `'3d'`. */
export type Duration = number | string;

/** The longest duration accepted: about 100 years. */
const MAX_DURATION_MS = 100 * 365 * 24 * 3_600_000;

/**
 * Parses a {@link Duration} to whole milliseconds.
 *
 * @throws InvalidArgumentError for strings that do not parse, negative,
 * non-finite or absurdly long durations.
 * @example
 * ```ts
 * parseDuration('90s'); // 90000
 * parseDuration(250);   // 250
 * ```
 */
export function parseDuration(duration: Duration, what = 'duration'): number {
  let value: number;
  if (typeof duration === 'number') {
    value = duration;
  } else if (typeof duration === 'string') {
    const trimmed = duration.trim();
    value = trimmed === '' ? Number.NaN : ms(trimmed as ms.StringValue);
  } else {
    throw new InvalidArgumentError(`${what} must be a number of ms or a string like '10m'`);
  }
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < 0 ||
    value > MAX_DURATION_MS
  ) {
    throw new InvalidArgumentError(`${what} ${JSON.stringify(duration)} is not a valid duration`, {
      details: { duration },
    });
  }
  return Math.round(value);
}
