import {
  InvalidArgumentError,
  StoreError,
  WORKFLOW_STATUSES,
  assertValidId,
} from '../core/index.js';
import type { WorkflowStatus } from '../core/index.js';
import type {
  CorruptionListener,
  ListFilter,
  ListPage,
  RunSummary,
  TimerEntry,
} from './event-store.js';
import type { IndexName } from './index-changes.js';
import {
  KEY_END,
  KEY_SEPARATOR,
  listingEnd,
  listingFrom,
  padTime,
  parseRunKey,
  parseTimerKey,
  runKeyOfListing,
  timerKey,
} from './key-codec.js';
import { INDEX_SUBLEVELS } from './level-layout.js';
import { corruptRecord } from './record-codec.js';
import type { CorruptRun } from './record-codec.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';

/** A key range over one index, with level's iterator semantics. */
export interface KeyRange {
  readonly gte?: string;
  readonly lt?: string;
  readonly reverse?: boolean;
  readonly limit?: number;
}

/**
 * The two primitive reads the index queries need. `LevelStore` serves them
 * with iterators and `getMany`, `MemoryStore` with sorted maps, so both
 * stores answer listing and timer queries with the same code.
 */
export interface StoreReader {
  /** `[key, value]` entries of an index within `range`, in key order (or reversed). */
  indexEntries(index: IndexName, range: KeyRange): Promise<Array<[string, string]>>;
  /**
   * Run summaries by run key: `undefined` where none is stored, the
   * `STORE_CORRUPT` error where the stored one cannot be decoded (one
   * damaged summary must not hide the others).
   */
  summaries(keys: readonly string[]): Promise<SummarySlot[]>;
}

/** One answer of {@link StoreReader.summaries}. */
export type SummarySlot = RunSummary | undefined | StoreError;

/**
 * What a read does with a damaged record: hand it to the caller's listener
 * and go on, or, without a listener, reject with it (the read cannot give a
 * whole answer).
 */
function reporter(onCorrupt: CorruptionListener | undefined): (error: StoreError) => void {
  return (error) => {
    if (onCorrupt === undefined) throw error;
    onCorrupt(error);
  };
}

/** A damaged entry of an index, with its run when the key still names one. */
function corruptEntry(index: IndexName, key: string, why: string, run?: CorruptRun): StoreError {
  return corruptRecord(INDEX_SUBLEVELS[index], key, why, undefined, run);
}

/** The default page size of {@link listRuns}. */
export const DEFAULT_LIST_LIMIT = 100;
/** The largest page {@link listRuns} returns. */
export const MAX_LIST_LIMIT = 10_000;

const MAX_TIME = Number.MAX_SAFE_INTEGER;

function assertLimit(limit: unknown, what: string): asserts limit is number {
  if (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1`, { details: { limit } });
  }
}

function assertTime(value: unknown, what: string): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new InvalidArgumentError(`${what} must be a number of epoch ms`, { details: { value } });
  }
}

/**
 * Every run in the non-terminal index that is running, with its summary.
 * Damaged entries and summaries go to `onCorrupt` (see {@link reporter}).
 */
export async function listNonTerminal(
  reader: StoreReader,
  onCorrupt?: CorruptionListener,
): Promise<RunSummary[]> {
  const report = reporter(onCorrupt);
  const keys: string[] = [];
  for (const [key] of await reader.indexEntries('nonTerminal', {})) {
    if (parseRunKey(key) === undefined) {
      report(corruptEntry('nonTerminal', key, 'the key is not a run key'));
    } else {
      keys.push(key);
    }
  }
  const slots = await reader.summaries(keys);
  const out: RunSummary[] = [];
  slots.forEach((slot, i) => {
    if (slot instanceof StoreError) {
      report(slot);
    } else if (slot === undefined) {
      const key = keys[i] as string;
      report(corruptEntry('nonTerminal', key, 'it names a run with no summary', parseRunKey(key)));
    } else if (slot.status === 'running') {
      out.push(slot);
    }
  });
  return out;
}

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

/** The `limit` earliest timer entries; damaged keys go to `onCorrupt`. */
export async function nextTimers(
  reader: StoreReader,
  limit: number,
  onCorrupt?: CorruptionListener,
): Promise<TimerEntry[]> {
  assertLimit(limit, 'limit');
  return readTimers(reader, { limit }, onCorrupt);
}

interface ListPlan {
  readonly index: IndexName;
  readonly group: string;
  readonly typeFilter: string | undefined;
  readonly status: WorkflowStatus | undefined;
}

function planList(filter: ListFilter): ListPlan {
  const { status, workflowType } = filter;
  if (status !== undefined && !WORKFLOW_STATUSES.includes(status)) {
    throw new InvalidArgumentError(`unknown status '${String(status)}'`, { details: { status } });
  }
  if (workflowType !== undefined) assertValidId(workflowType, 'workflowType');
  if (status !== undefined)
    return { index: 'byStatus', group: status, typeFilter: workflowType, status };
  if (workflowType !== undefined) {
    return { index: 'byType', group: workflowType, typeFilter: undefined, status };
  }
  return { index: 'byStart', group: '', typeFilter: undefined, status };
}

/**
 * Lists runs newest first (by `startedAt`, then ids, descending) from the
 * status, type or start-time index, with an opaque cursor.
 *
 * A status and type filter walks the status index and filters on the type it
 * stores as the entry's value, without reading summaries of other types.
 * Damaged entries and summaries go to `onCorrupt` (see {@link reporter}).
 */
export async function listRuns(
  reader: StoreReader,
  filter: ListFilter = {},
  onCorrupt?: CorruptionListener,
): Promise<ListPage> {
  if (typeof filter !== 'object' || filter === null) {
    throw new InvalidArgumentError('the list filter must be an object');
  }
  const limit = filter.limit ?? DEFAULT_LIST_LIMIT;
  assertLimit(limit, 'limit');
  if (limit > MAX_LIST_LIMIT) {
    throw new InvalidArgumentError(`limit must be at most ${MAX_LIST_LIMIT}`, {
      details: { limit },
    });
  }
  const plan = planList(filter);
  const prefix = plan.group + KEY_SEPARATOR;
  let gte = prefix;
  let lt = listingEnd(plan.group);
  if (filter.startedAfter !== undefined) {
    assertTime(filter.startedAfter, 'startedAfter');
    const from = Math.ceil(filter.startedAfter);
    if (from > MAX_TIME) return { items: [] };
    if (from > 0) gte = listingFrom(plan.group, from);
  }
  if (filter.startedBefore !== undefined) {
    assertTime(filter.startedBefore, 'startedBefore');
    const before = Math.ceil(filter.startedBefore);
    if (before <= 0) return { items: [] };
    if (before <= MAX_TIME) lt = listingFrom(plan.group, before);
  }
  if (filter.cursor !== undefined) {
    const position = decodeCursor(filter.cursor, plan.index, prefix);
    if (position.key < lt) lt = position.key;
  }
  const keys = await collectKeys(reader, plan, gte, lt, limit + 1);
  const page = keys.slice(0, limit);
  const items = await summariesOfListing(reader, plan, page, reporter(onCorrupt), onCorrupt);
  const last = page[page.length - 1];
  if (keys.length > limit && last !== undefined) {
    return { items, next: encodeCursor({ index: plan.index, key: last }) };
  }
  return { items };
}

/**
 * The summaries a page of listing keys names. A damaged key or summary is
 * reported and left out of the page (the cursor still moves past it).
 */
async function summariesOfListing(
  reader: StoreReader,
  plan: ListPlan,
  page: readonly string[],
  report: (error: StoreError) => void,
  onCorrupt: CorruptionListener | undefined,
): Promise<RunSummary[]> {
  const listed: string[] = [];
  const runKeys: string[] = [];
  for (const key of page) {
    const run = runKeyOfListing(key);
    if (run === undefined) {
      report(corruptEntry(plan.index, key, 'the key is not a listing key'));
    } else {
      listed.push(key);
      runKeys.push(run);
    }
  }
  const slots = await reader.summaries(runKeys);
  const items: RunSummary[] = [];
  slots.forEach((slot, i) => {
    if (slot instanceof StoreError) {
      report(slot);
    } else if (slot === undefined) {
      // Index entries and summaries are written in one batch and runs are
      // never deleted: an entry without a summary is damage. Without a
      // listener it is left out, as it always was.
      const run = parseRunKey(runKeys[i] as string);
      onCorrupt?.(
        corruptEntry(plan.index, listed[i] as string, 'it names a run with no summary', run),
      );
    } else if (plan.status === undefined || slot.status === plan.status) {
      // A run may have moved to another status after the index was read.
      items.push(slot);
    }
  });
  return items;
}

/** Up to `wanted` matching listing keys, newest first, reading in chunks when filtering. */
async function collectKeys(
  reader: StoreReader,
  plan: ListPlan,
  gte: string,
  lt: string,
  wanted: number,
): Promise<string[]> {
  const chunk = plan.typeFilter === undefined ? wanted : Math.max(256, wanted * 4);
  const keys: string[] = [];
  let upper = lt;
  while (gte < upper) {
    const entries = await reader.indexEntries(plan.index, {
      gte,
      lt: upper,
      reverse: true,
      limit: chunk,
    });
    for (const [key, type] of entries) {
      if (plan.typeFilter !== undefined && type !== plan.typeFilter) continue;
      keys.push(key);
      if (keys.length >= wanted) return keys;
    }
    const last = entries[entries.length - 1];
    if (entries.length < chunk || last === undefined) return keys;
    upper = last[0];
  }
  return keys;
}
