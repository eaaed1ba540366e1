import {
  InvalidArgumentError,
  StoreError,
  WORKFLOW_STATUSES,
  assertValidId,
} from '../core/index.js';
import type { WorkflowStatus } from '../core/index.js';
import type { CorruptionListener, ListFilter, ListPage, RunSummary } from './event-store.js';
import type { IndexName } from './index-changes.js';
import {
  KEY_SEPARATOR,
  listingEnd,
  listingFrom,
  parseRunKey,
  runKeyOfListing,
} from './key-codec.js';
import { decodeCursor, encodeCursor } from './list-cursor.js';
import { MAX_TIME, assertLimit, assertTime } from './read-args.js';
import { corruptEntry, reporter } from './read-damage.js';
import type { StoreReader } from './store-reader.js';

/** The default page size of {@link listRuns}. */
export const DEFAULT_LIST_LIMIT = 100;
/** The largest page {@link listRuns} returns. */
export const MAX_LIST_LIMIT = 10_000;

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
