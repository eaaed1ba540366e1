import { WORKFLOW_STATUSES } from '../core/index.js';
import type { WorkflowStatus } from '../core/index.js';
import type { RunSummary } from './event-store.js';
import type { HistoryFacts } from './doctor-histories.js';
import { KEY_SEPARATOR, listingKey, parseTimerKey, runKey, runKeyOfListing } from './key-codec.js';
import type { RawEntry, RawRecords, SublevelName } from './raw-records.js';
import type { ProblemLog, ProblemRun } from './store-problems.js';
import { decodeSummary } from './summary-codec.js';

const strict = new TextDecoder('utf-8', { fatal: true });

/** The run a damaged key still names: parts `at` and `at + 1`, when both are there. */
function runNamedBy(key: string, at: number): ProblemRun | undefined {
  const parts = key.split(KEY_SEPARATOR);
  const workflowId = parts[at];
  const runId = parts[at + 1];
  return workflowId && runId ? { workflowId, runId } : undefined;
}

/** The summary an index entry points at: `null` when there is none, `undefined` when undecodable. */
async function summaryOf(records: RawRecords, key: string): Promise<RunSummary | null | undefined> {
  const bytes = await records.get('runs', key);
  if (bytes === undefined) return null;
  try {
    return decodeSummary(key, bytes);
  } catch {
    // Reported by the history pass, with the run's other records.
    return undefined;
  }
}

function dangling(log: ProblemLog, entry: RawEntry, run: ProblemRun, what: string): void {
  log.add(
    'dangling-index',
    entry.printable,
    `${what} names run ${run.workflowId}/${run.runId}, which has no summary`,
    run,
  );
}

/**
 * The index pass: reads every index once and checks each entry against the
 * run it names (one summary lookup per entry): well-formed keys, no entry
 * for a missing run, none that disagrees with its run. The history pass has
 * already checked the other direction (every entry a run needs exists).
 */
export async function checkIndexes(
  records: RawRecords,
  log: ProblemLog,
  facts: HistoryFacts,
): Promise<void> {
  await checkLatest(records, log);
  await checkNonTerminal(records, log);
  await checkTimers(records, log, facts);
  for (const sublevel of ['by-status', 'by-type', 'by-start'] as const) {
    await checkListing(records, log, sublevel);
  }
  for await (const entry of records.strays()) {
    log.records++;
    log.add('bad-key', entry.printable, 'a record outside every sublevel of the layout');
  }
}

async function checkLatest(records: RawRecords, log: ProblemLog): Promise<void> {
  for await (const entry of records.entries('latest')) {
    log.records++;
    const workflowId = entry.key;
    if (!entry.utf8 || workflowId.length === 0 || workflowId.includes(KEY_SEPARATOR)) {
      log.add('bad-key', entry.printable, 'not a workflow id');
      continue;
    }
    let runId: string;
    try {
      runId = strict.decode(entry.value);
    } catch {
      runId = '';
    }
    if (runId.length === 0 || runId.includes(KEY_SEPARATOR)) {
      log.add('undecodable-value', entry.printable, 'the latest run id is not a run id');
      continue;
    }
    const run = { workflowId, runId };
    if ((await summaryOf(records, runKey(workflowId, runId))) === null) {
      dangling(log, entry, run, 'the latest run of the workflow');
    }
  }
}

async function checkNonTerminal(records: RawRecords, log: ProblemLog): Promise<void> {
  for await (const entry of records.entries('nonterminal')) {
    log.records++;
    const run = entry.utf8 ? runNamedBy(entry.key, 0) : undefined;
    if (run === undefined || entry.key.split(KEY_SEPARATOR).length !== 2) {
      log.add('bad-key', entry.printable, 'not a run key (workflowId, runId)', run);
      continue;
    }
    const summary = await summaryOf(records, entry.key);
    if (summary === null) dangling(log, entry, run, 'the non-terminal entry');
    else if (summary !== undefined && summary.status !== 'running') {
      log.add(
        'stale-index',
        entry.printable,
        `a non-terminal entry of a run that ended ${summary.status}`,
        run,
      );
    }
  }
}

async function checkTimers(
  records: RawRecords,
  log: ProblemLog,
  facts: HistoryFacts,
): Promise<void> {
  for await (const entry of records.entries('timers')) {
    log.records++;
    const timer = entry.utf8 ? parseTimerKey(entry.key) : undefined;
    if (timer === undefined) {
      log.add(
        'bad-key',
        entry.printable,
        'not a timer key (16-digit fireAt, workflowId, runId, timerId): the timer service skips it',
        entry.utf8 ? runNamedBy(entry.key, 1) : undefined,
      );
      continue;
    }
    const run = { workflowId: timer.workflowId, runId: timer.runId };
    const key = runKey(run.workflowId, run.runId);
    const summary = await summaryOf(records, key);
    if (summary === null) {
      dangling(log, entry, run, `timer '${timer.timerId}'`);
    } else if (summary !== undefined && summary.status !== 'running') {
      log.add(
        'stale-index',
        entry.printable,
        `a timer entry of a run that ended ${summary.status}: it can never fire`,
        run,
      );
    } else if (!facts.unknownTimers.has(key) && !facts.openTimers.has(entry.key)) {
      log.add(
        'stale-index',
        entry.printable,
        `timer '${timer.timerId}' is not open at this fireAt in the run's history`,
        run,
      );
    }
  }
}

/** The listing group of a run in each listing index. */
function groupOf(sublevel: SublevelName, summary: RunSummary): string {
  if (sublevel === 'by-status') return summary.status;
  return sublevel === 'by-type' ? summary.workflowType : '';
}

async function checkListing(
  records: RawRecords,
  log: ProblemLog,
  sublevel: 'by-status' | 'by-type' | 'by-start',
): Promise<void> {
  for await (const entry of records.entries(sublevel)) {
    log.records++;
    const key = entry.utf8 ? runKeyOfListing(entry.key) : undefined;
    const group = entry.key.split(KEY_SEPARATOR)[0] ?? '';
    const badGroup =
      (sublevel === 'by-status' && !WORKFLOW_STATUSES.includes(group as WorkflowStatus)) ||
      (sublevel === 'by-start' && group !== '');
    const named = entry.utf8 ? runNamedBy(entry.key, 2) : undefined;
    if (key === undefined || badGroup) {
      log.add('bad-key', entry.printable, `not a ${sublevel} listing key`, named);
      continue;
    }
    const run = named as ProblemRun;
    const summary = await summaryOf(records, key);
    if (summary === null) {
      dangling(log, entry, run, `the ${sublevel} listing entry`);
      continue;
    }
    if (summary === undefined) continue;
    const expected = listingKey(
      groupOf(sublevel, summary),
      summary.startedAt,
      run.workflowId,
      run.runId,
    );
    if (entry.key !== expected) {
      log.add(
        'stale-index',
        entry.printable,
        `the ${sublevel} listing entry does not match the run (${summary.status} ${summary.workflowType}, started ${summary.startedAt})`,
        run,
      );
      continue;
    }
    if (sublevel !== 'by-status') continue;
    let type: string | undefined;
    try {
      type = strict.decode(entry.value);
    } catch {
      type = undefined;
    }
    if (type !== summary.workflowType) {
      log.add(
        'stale-index',
        entry.printable,
        `the by-status entry holds workflow type '${String(type)}', the run's is '${summary.workflowType}': filters by type miss it`,
        run,
      );
    }
  }
}
