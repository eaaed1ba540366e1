import { InvalidArgumentError, WORKFLOW_STATUSES, assertValidId } from '../core/index.js';
import type { WorkflowStatus } from '../core/index.js';
import type { ListFilter, ListPage, RunSummary, TimerEntry } from './event-store.js';
import type { IndexName } from './index-changes.js';
import {
  KEY_END,
  KEY_SEPARATOR,
  listingEnd,
  listingFrom,
  padTime,
  parseTimerKey,
  runKeyOfListing,
  timerKey,
} from './key-codec.js';
import { corruptRecord } from './record-codec.js';
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
  /** Run summaries by run key, `undefined` where none is stored. */
  summaries(keys: readonly string[]): Promise<Array<RunSummary | undefined>>;
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

/** Every run in the non-terminal index, with its summary. */
export async function listNonTerminal(reader: StoreReader): Promise<RunSummary[]> {
  const entries = await reader.indexEntries('nonTerminal', {});
  const summaries = await reader.summaries(entries.map(([key]) => key));
  const out: RunSummary[] = [];
  summaries.forEach((summary, i) => {
    if (summary === undefined) {
      throw corruptRecord('nonTerminal', entries[i]?.[0] ?? '', 'it names a run with no summary');
    }
    if (summary.status === 'running') out.push(summary);
  });
  return out;
}

function toEntries(entries: ReadonlyArray<[string, string]>): TimerEntry[] {
  return entries.map(([key]) => {
    const entry = parseTimerKey(key);
    if (entry === undefined) throw corruptRecord('timers', key, 'the key is malformed');
    return entry;
  });
}

/** Timer entries with `fireAt <= upTo`, earliest first, at most `limit`. */
export async function dueTimers(
  reader: StoreReader,
  upTo: number,
  limit?: number,
  after?: TimerEntry,
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
  return toEntries(await reader.indexEntries('timers', range));
}

/** The `limit` earliest timer entries. */
export async function nextTimers(reader: StoreReader, limit: number): Promise<TimerEntry[]> {
  assertLimit(limit, 'limit');
  return toEntries(await reader.indexEntries('timers', { limit }));
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
 */
export async function listRuns(reader: StoreReader, filter: ListFilter = {}): Promise<ListPage> {
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
  const summaries = await reader.summaries(page.map(runKeyOfListingOrThrow(plan.index)));
  const items: RunSummary[] = [];
  for (const summary of summaries) {
    // A run may have moved to another status after the index was read.
    if (summary === undefined || (plan.status !== undefined && summary.status !== plan.status)) {
      continue;
    }
    items.push(summary);
  }
  const last = page[page.length - 1];
  if (keys.length > limit && last !== undefined) {
    return { items, next: encodeCursor({ index: plan.index, key: last }) };
  }
  return { items };
}

function runKeyOfListingOrThrow(index: IndexName): (key: string) => string {
  return (key) => {
    const run = runKeyOfListing(key);
    if (run === undefined) throw corruptRecord(index, key, 'the key is malformed');
    return run;
  };
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
