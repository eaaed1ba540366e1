import type { CorruptionListener, TimerEntry } from './event-store.js';
import { KEY_END, KEY_SEPARATOR, padTime, parseTimerKey, timerKey } from './key-codec.js';
import { MAX_TIME, assertLimit, assertTime } from './read-args.js';
import { corruptEntry, reporter } from './read-damage.js';
import type { CorruptRun } from './record-codec.js';
import type { KeyRange, StoreReader } from './store-reader.js';

/** The run a damaged timer key names, when its id parts survived. */
function runOfTimerKey(key: string): CorruptRun | undefined {
  const parts = key.split(KEY_SEPARATOR);
  const [, workflowId, runId] = parts;
  if (parts.length !== 4 || !workflowId || !runId) return undefined;
  return { workflowId, runId };
}

/**
 * Reads timer entries within `range`, at most `range.limit` valid ones.
 * Damaged keys are reported and read past: a page cut short by one would
 * look like the end of the due entries to the timer service, which would
 * then stop paging and leave later timers unarmed.
 */
async function readTimers(
  reader: StoreReader,
  range: KeyRange,
  onCorrupt: CorruptionListener | undefined,
): Promise<TimerEntry[]> {
  const report = reporter(onCorrupt);
  const out: TimerEntry[] = [];
  let gte = range.gte;
  for (;;) {
    const wanted = range.limit === undefined ? undefined : range.limit - out.length;
    const entries = await reader.indexEntries('timers', {
      ...(gte === undefined ? {} : { gte }),
      ...(range.lt === undefined ? {} : { lt: range.lt }),
      ...(wanted === undefined ? {} : { limit: wanted }),
    });
    let skipped = false;
    for (const [key] of entries) {
      const entry = parseTimerKey(key);
      if (entry !== undefined) {
        out.push(entry);
        continue;
      }
      skipped = true;
      report(corruptEntry('timers', key, 'the key is not a timer key', runOfTimerKey(key)));
    }
    const last = entries[entries.length - 1];
    if (!skipped || wanted === undefined || entries.length < wanted || last === undefined) {
      return out;
    }
    // The smallest key above the last one read.
    gte = last[0] + KEY_SEPARATOR;
  }
}

/**
 * Timer entries with `fireAt <= upTo`, earliest first, at most `limit`;
 * damaged keys go to `onCorrupt`.
 *
 * @param after the last entry of the previous page: this page starts above it.
 * @throws InvalidArgumentError for a bound or limit that is not valid.
 */
export async function dueTimers(
  reader: StoreReader,
  upTo: number,
  limit?: number,
  after?: TimerEntry,
  onCorrupt?: CorruptionListener,
): Promise<TimerEntry[]> {
  assertTime(upTo, 'upTo');
  if (limit !== undefined) assertLimit(limit, 'limit');
  if (upTo < 0) return [];
  // Every key of fireAt <= upTo sorts below `pad(upTo) + KEY_END`.
  const lt = padTime(Math.min(Math.floor(upTo), MAX_TIME)) + KEY_END;
  // The smallest key above `after`'s own: it with one more, lowest, character.
  const gte =
    after === undefined
      ? undefined
      : timerKey(after.fireAt, after.workflowId, after.runId, after.timerId) + '\u0000';
  const range = {
    lt,
    ...(gte === undefined ? {} : { gte }),
    ...(limit === undefined ? {} : { limit }),
  };
  return readTimers(reader, range, onCorrupt);
}

/**
 * The `limit` earliest timer entries; damaged keys go to `onCorrupt`.
 *
 * @throws InvalidArgumentError for a limit that is not an integer >= 1.
 */
export async function nextTimers(
  reader: StoreReader,
  limit: number,
  onCorrupt?: CorruptionListener,
): Promise<TimerEntry[]> {
  assertLimit(limit, 'limit');
  return readTimers(reader, { limit }, onCorrupt);
}
