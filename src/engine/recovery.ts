import type { CorruptionListener, EventStore, RunSummary } from '../store/index.js';
import type { TimerService } from '../timers/index.js';
import type { ResidentRuns } from './resident-runs.js';
import type { RunningIndex } from './running-index.js';

/** What recovery on open needs from the engine. */
export interface RecoveryDeps {
  readonly store: EventStore;
  readonly running: RunningIndex;
  readonly runs: ResidentRuns;
  readonly timers: TimerService;
  readonly maxResidentRuns: number;
  /**
   * Takes the damaged entries and summaries of the non-terminal index:
   * their runs are blocked and reported, and recovery goes on with the rest.
   */
  readonly onCorrupt: CorruptionListener;
}

/** True for a run that only waits on a timer or a child: it can stay suspended. */
function waiting(run: RunSummary): boolean {
  return (
    run.pendingActivities === 0 &&
    (run.lastEventType === 'TimerStarted' || run.lastEventType === 'ChildWorkflowStarted')
  );
}

/**
 * Recovers every non-terminal run on open. Runs with work to do now come
 * back first; past the resident limit the rest stay suspended until a
 * timer, signal or child outcome wakes them. Timers start last. One run's
 * damaged records block that run only (`deps.onCorrupt`), never the open.
 */
export async function recoverRuns(deps: RecoveryDeps): Promise<void> {
  const runs = await deps.store.listNonTerminal(deps.onCorrupt);
  for (const run of runs) deps.running.set(run.workflowId, run.runId);
  const ordered = [...runs.filter((run) => !waiting(run)), ...runs.filter(waiting)];
  const eager = ordered.slice(0, deps.maxResidentRuns);
  const hosts = eager.flatMap((run) => deps.runs.adopt(run) ?? []);
  // Overdue timers fire in fireAt order across runs (SPEC section 5) only
  // if every run can take its due timers when they are read: let the
  // recovered runs finish their replay first.
  await Promise.all(hosts.map((host) => host.loaded()));
  await deps.timers.start();
}
