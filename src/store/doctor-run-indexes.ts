import type { HistoryEvent } from '../core/index.js';
import type { HistoryFacts } from './doctor-histories.js';
import type { RunSummary } from './event-store.js';
import { describeKey, listingKey, runKey, timerKey } from './key-codec.js';
import type { RawRecords } from './raw-records.js';
import type { ProblemLog, ProblemRun } from './store-problems.js';

// The index entries a run's history needs: its workflow's latest run, its
// non-terminal and listing entries, and a due-timer entry per open timer.
// The history pass asks for them run by run; doctor-indexes.ts checks the
// other direction (each index entry against the run it names).

/** The workflow of a run has its latest-run entry. */
export async function checkLatest(
  records: RawRecords,
  log: ProblemLog,
  run: ProblemRun,
): Promise<void> {
  if ((await records.get('latest', run.workflowId)) !== undefined) return;
  log.add(
    'missing-index',
    describeKey('latest', run.workflowId),
    `workflow '${run.workflowId}' has runs but no latest run: getHandle('${run.workflowId}') will not find it`,
    run,
  );
}

/** The non-terminal and listing entries the run needs exist. */
export async function checkRunIndexes(
  records: RawRecords,
  log: ProblemLog,
  s: RunSummary,
): Promise<void> {
  const run = { workflowId: s.workflowId, runId: s.runId };
  const key = runKey(s.workflowId, s.runId);
  if (s.status === 'running' && (await records.get('nonterminal', key)) === undefined) {
    log.add(
      'missing-index',
      describeKey('nonterminal', key),
      'a running run without its non-terminal entry: recovery on open will not resume it',
      run,
    );
  }
  const listings = [
    ['by-status', s.status],
    ['by-type', s.workflowType],
    ['by-start', ''],
  ] as const;
  for (const [sublevel, group] of listings) {
    const listing = listingKey(group, s.startedAt, s.workflowId, s.runId);
    if ((await records.get(sublevel, listing)) !== undefined) continue;
    log.add(
      'missing-index',
      describeKey(sublevel, listing),
      `the run is missing from the ${sublevel} listing`,
      run,
    );
  }
}

/** Every timer open in a whole history has its due-timer entry. */
export async function checkOpenTimers(
  records: RawRecords,
  log: ProblemLog,
  facts: HistoryFacts,
  run: ProblemRun,
  events: readonly HistoryEvent[],
): Promise<void> {
  const open = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'TimerStarted') open.set(event.timerId, event.fireAt);
    else if (event.type === 'TimerFired' || event.type === 'TimerCancelled') {
      open.delete(event.timerId);
    }
  }
  for (const [timerId, fireAt] of open) {
    const key = timerKey(fireAt, run.workflowId, run.runId, timerId);
    facts.openTimers.add(key);
    if ((await records.get('timers', key)) !== undefined) continue;
    log.add(
      'missing-index',
      describeKey('timers', key),
      `timer '${timerId}' is open in the history but has no timer entry: it will never fire`,
      run,
    );
  }
}
