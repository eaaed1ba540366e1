import type { HistoryEvent } from '../core/index.js';
import { checkLatest, checkOpenTimers, checkRunIndexes } from './doctor-run-indexes.js';
import type { RunSummary } from './event-store.js';
import {
  KEY_SEPARATOR,
  describeKey,
  historyKey,
  parseHistoryKey,
  parseRunKey,
  runKey,
} from './key-codec.js';
import type { RawEntry, RawRecords } from './raw-records.js';
import { decodeEvent } from './record-codec.js';
import { applyEvents } from './run-projection.js';
import type { ProblemLog, ProblemRun } from './store-problems.js';
import { decodeSummary } from './summary-codec.js';

/** What the history pass learned that the index pass needs. */
export interface HistoryFacts {
  /** Timer keys of the timers open in every whole history. */
  readonly openTimers: Set<string>;
  /** Run keys whose history could not be read whole: their timers are unknown. */
  readonly unknownTimers: Set<string>;
}

/** The reason of a `STORE_CORRUPT` error, without the "stored record ... is corrupt:" part. */
export function whyOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^stored record .* is corrupt: /, '');
}

/** One run's history records, as read in key order. */
interface Group {
  readonly key: string;
  readonly run: ProblemRun;
  readonly entries: Array<{ readonly seq: number; readonly entry: RawEntry }>;
}

/**
 * The history pass: reads the history sublevel once, one run at a time (a
 * run's keys are contiguous), checks each run's keys, seqs and events,
 * projects its summary and compares the stored one, and looks up the index
 * entries the run needs. Memory holds one run's history at a time, plus
 * the keys of open timers. Then the summaries are read once to find those
 * with no history.
 */
export async function checkHistories(records: RawRecords, log: ProblemLog): Promise<HistoryFacts> {
  const facts: HistoryFacts = { openTimers: new Set(), unknownTimers: new Set() };
  let group: Group | undefined;
  let workflowId: string | undefined;
  for await (const entry of records.entries('history')) {
    log.records++;
    log.events++;
    const parsed = entry.utf8 ? parseHistoryKey(entry.key) : undefined;
    if (parsed === undefined) {
      const [first, second] = entry.utf8 ? entry.key.split(KEY_SEPARATOR) : [];
      const run = first && second ? { workflowId: first, runId: second } : undefined;
      log.add(
        'bad-key',
        entry.printable,
        'not a history key (workflowId, runId, 10-digit seq)',
        run,
      );
      continue;
    }
    const key = runKey(parsed.workflowId, parsed.runId);
    if (group?.key !== key) {
      if (group !== undefined) await checkRun(records, log, facts, group);
      group = { key, run: parsed, entries: [] };
      if (parsed.workflowId !== workflowId) {
        workflowId = parsed.workflowId;
        await checkLatest(records, log, parsed);
      }
    }
    group.entries.push({ seq: parsed.seq, entry });
  }
  if (group !== undefined) await checkRun(records, log, facts, group);
  await checkSummaries(records, log, facts);
  return facts;
}

/** Decodes a run's events in order; `whole` is false past a gap or an undecodable one. */
function readEvents(log: ProblemLog, group: Group): { events: HistoryEvent[]; whole: boolean } {
  const { run } = group;
  const events: HistoryEvent[] = [];
  let whole = true;
  let expected = 1;
  for (const { seq, entry } of group.entries) {
    if (seq !== expected) {
      const missing =
        seq - 1 > expected ? `seqs ${expected}..${seq - 1} are` : `seq ${expected} is`;
      log.add('history-gap', entry.printable, `${missing} missing before this event`, run);
      whole = false;
    }
    expected = seq + 1;
    try {
      events.push(decodeEvent(entry.key, entry.value, run.workflowId, run.runId, seq));
    } catch (error) {
      log.add('undecodable-value', entry.printable, whyOf(error), run);
      whole = false;
    }
  }
  return { events, whole };
}

async function readSummary(
  records: RawRecords,
  log: ProblemLog,
  group: Group,
): Promise<RunSummary | undefined> {
  const bytes = await records.get('runs', group.key);
  if (bytes === undefined) {
    log.add(
      'orphan-history',
      describeKey('history', group.key),
      `history of ${group.entries.length} events with no run summary: the run cannot be read or resumed`,
      group.run,
    );
    return undefined;
  }
  try {
    return decodeSummary(group.key, bytes);
  } catch (error) {
    log.add('undecodable-value', describeKey('runs', group.key), whyOf(error), group.run);
    return undefined;
  }
}

async function checkRun(
  records: RawRecords,
  log: ProblemLog,
  facts: HistoryFacts,
  group: Group,
): Promise<void> {
  const read = readEvents(log, group);
  let projection: RunSummary | undefined;
  if (read.whole) {
    try {
      projection = applyEvents(undefined, read.events);
    } catch (error) {
      log.add('history-invalid', describeKey('history', group.key), whyOf(error), group.run);
    }
  }
  const summary = await readSummary(records, log, group);
  if (projection !== undefined && summary !== undefined) {
    // A history missing its tail projects a run that never was.
    if (!compareSummary(log, group, summary, projection)) projection = undefined;
  }
  if (projection === undefined) facts.unknownTimers.add(group.key);
  const reference = projection ?? summary;
  if (reference !== undefined) await checkRunIndexes(records, log, reference);
  if (projection !== undefined) {
    await checkOpenTimers(records, log, facts, group.run, read.events);
  }
}

/** The summary fields a projection decides, compared one by one. */
const FIELDS = [
  'workflowType',
  'status',
  'startedAt',
  'closedAt',
  'previousRunId',
  'nextRunId',
  'version',
  'pendingActivities',
  'pendingTimers',
  'lastEventType',
] as const satisfies ReadonlyArray<keyof RunSummary>;

/** Reports how the summary differs; false when the history is missing its tail. */
function compareSummary(
  log: ProblemLog,
  group: Group,
  summary: RunSummary,
  projection: RunSummary,
): boolean {
  const { run } = group;
  const stored = summary.historyLength;
  const recorded = projection.historyLength;
  if (stored > recorded) {
    log.add(
      'history-gap',
      describeKey('history', historyKey(run.workflowId, run.runId, recorded + 1)),
      `the summary's head is seq ${stored} but the history ends at seq ${recorded}: events are missing`,
      run,
    );
    return false;
  }
  const differ: string[] = [];
  if (stored !== recorded) differ.push(`historyLength (summary ${stored}, history ${recorded})`);
  for (const field of FIELDS) {
    if (summary[field] !== projection[field]) {
      differ.push(
        `${field} (summary ${String(summary[field])}, history ${String(projection[field])})`,
      );
    }
  }
  const parentOf = (s: RunSummary): string =>
    s.parent === undefined ? 'none' : `${s.parent.workflowId}/${s.parent.runId}`;
  if (parentOf(summary) !== parentOf(projection)) {
    differ.push(`parent (summary ${parentOf(summary)}, history ${parentOf(projection)})`);
  }
  if (differ.length > 0) {
    log.add(
      'summary-mismatch',
      describeKey('runs', group.key),
      `the run summary disagrees with its history: ${differ.join(', ')}`,
      run,
    );
  }
  return true;
}

/** Summaries with malformed keys, or whose run has no history at all. */
async function checkSummaries(
  records: RawRecords,
  log: ProblemLog,
  facts: HistoryFacts,
): Promise<void> {
  for await (const entry of records.entries('runs')) {
    log.records++;
    log.runs++;
    const run = entry.utf8 ? parseRunKey(entry.key) : undefined;
    if (run === undefined) {
      log.add('bad-key', entry.printable, 'not a run key (workflowId, runId)');
      continue;
    }
    // Runs with history were checked, their summary included, by the history pass.
    if (await records.hasPrefix('history', entry.key + KEY_SEPARATOR)) continue;
    facts.unknownTimers.add(entry.key);
    let why = 'a run summary with no history: the run cannot be replayed';
    try {
      decodeSummary(entry.key, entry.value);
    } catch (error) {
      why = `a run summary with no history, and ${whyOf(error)}`;
    }
    log.add('missing-history', entry.printable, why, run);
  }
}
