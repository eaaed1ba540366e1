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

/**
 * True for a run that only waits on a timer: the timer service wakes it, so
 * it can stay suspended. A run waiting on a child is loaded: the child may
 * have ended before the crash took the record of it in the parent, and
 * only the loaded parent asks for it (nothing else would wake it).
 */
function waiting(run: RunSummary): boolean {
  return run.pendingActivities === 0 && run.lastEventType === 'TimerStarted';
}

/**
 * Recovers every non-terminal run on open. Every run with work to do now
 * comes back, whatever the resident limit (nothing else would wake it, and
 * residency suspends the idle ones again); runs that only wait on a timer
 * fill what is left of the limit, and the rest stay suspended until their
 * timer, a signal or a query wakes them. Timers start last. One run's
 * damaged records block that run only (`deps.onCorrupt`), never the open.
 */
export async function recoverRuns(deps: RecoveryDeps): Promise<void> {
  const runs = await deps.store.listNonTerminal(deps.onCorrupt);
  for (const run of runs) deps.running.set(run.workflowId, run.runId);
  const active = runs.filter((run) => !waiting(run));
  const idle = runs.filter(waiting).slice(0, Math.max(0, deps.maxResidentRuns - active.length));
  const eager = [...active, ...idle];
  const hosts = eager.flatMap((run) => deps.runs.adopt(run) ?? []);
  // Overdue timers fire in fireAt order across runs (SPEC section 5) only
  // if every run can take its due timers when they are read: let the
  // recovered runs finish their replay first.
  await Promise.all(hosts.map((host) => host.loaded()));
  await deps.timers.start();
}
