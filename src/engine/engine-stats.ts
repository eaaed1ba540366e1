import type { EngineRuntime } from './engine-runtime.js';
import type { KeyedLock } from './keyed-lock.js';
import type { TreeNode } from './run-hosting.js';

/**
 * What an engine holds in memory, counted: for operators, and for leak
 * checks (after every run ended and its callers got their results, each
 * count but `blockedRuns` is back to zero).
 */
export interface EngineStats {
  /** Runs with a host in memory (`describe().residency === 'resident'`). */
  readonly residentRuns: number;
  /** Runs ordered by recency for suspension; equals `residentRuns` when nothing leaks. */
  readonly residencyEntries: number;
  /** Suspended runs being rehydrated now. */
  readonly wakingRuns: number;
  /** Runs of an unregistered type, reported blocked until the engine reopens. */
  readonly blockedRuns: number;
  /** Workflow ids with a running run (the running-run index). */
  readonly runningRuns: number;
  /** Run hosts the supervision layer knows. */
  readonly hostedRuns: number;
  /** Run actors under the supervision tree. */
  readonly runActors: number;
  /** Run actors being stopped (suspension). */
  readonly stoppingActors: number;
  /** Due timer entries handed to runs and not yet fired or cancelled. */
  readonly timersInFlight: number;
  /** Whether the timer service has a deadline armed on the clock. */
  readonly timerArmed: boolean;
  /** Runs someone watches through a handle (`result()`, `outcome$`, `events$`). */
  readonly watchedRuns: number;
  /** Workflow ids with a start or signal-with-start in progress. */
  readonly startsInProgress: number;
}

/** Counts the run actors under the `workflows` supervisor of a tree snapshot. */
function runActorsOf(tree: TreeNode): number {
  const workflows = tree.children.find((node) => node.id === 'workflows');
  let count = 0;
  for (const type of workflows?.children ?? []) count += type.children.length;
  return count;
}

/** Reads an engine's {@link EngineStats} from its parts. */
export function engineStats(rt: EngineRuntime, idLock: KeyedLock): EngineStats {
  const runs = rt.runs.counts();
  const hosting = rt.hosting.counts();
  return {
    residentRuns: runs.resident,
    residencyEntries: runs.byRecency,
    wakingRuns: runs.waking,
    blockedRuns: runs.blocked,
    runningRuns: rt.running.size,
    hostedRuns: hosting.hosted,
    runActors: runActorsOf(rt.hosting.tree()),
    stoppingActors: hosting.stopping,
    timersInFlight: rt.timers.inFlight(),
    timerArmed: rt.timers.armedAt() !== undefined,
    watchedRuns: rt.streams.watchedRuns,
    startsInProgress: idLock.size,
  };
}
