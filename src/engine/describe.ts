import { AionError, ErrorCode } from '../core/index.js';
import type { RunRef, WorkflowStatus } from '../core/index.js';
import type { RunSummary } from '../store/index.js';
import type { ResidentRuns } from './resident-runs.js';

/** Whether a live run actor holds the run in memory. */
export type Residency = 'resident' | 'suspended';

/** One row of `engine.list()`. */
export interface WorkflowSummary {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly status: WorkflowStatus;
  readonly startedAt: number;
  readonly closedAt?: number;
  readonly historyLength: number;
  /** The run this one continued from, if any. */
  readonly previousRunId?: string;
  /** The run this one continued as, if any. */
  readonly nextRunId?: string;
}

/** A page of `engine.list()`. */
export interface WorkflowPage {
  readonly items: WorkflowSummary[];
  readonly next?: string;
}

/** What `describe()` tells about a run. */
export interface WorkflowDescription extends WorkflowSummary {
  readonly residency: Residency;
  readonly parent?: RunRef;
  readonly pendingActivities: number;
  readonly pendingTimers: number;
  /** Set while the run cannot make progress (nondeterminism, unknown type). */
  readonly blocked?: { readonly code: string; readonly message: string };
  /** How often the run's actor was restarted after a crash. */
  readonly restarts: number;
  /** The run actor's lifecycle phase, when resident. */
  readonly phase?: string;
}

/** The list row of a stored summary. */
export function summaryOf(run: RunSummary): WorkflowSummary {
  return {
    workflowId: run.workflowId,
    runId: run.runId,
    workflowType: run.workflowType,
    status: run.status,
    startedAt: run.startedAt,
    ...(run.closedAt === undefined ? {} : { closedAt: run.closedAt }),
    historyLength: run.historyLength,
    ...(run.previousRunId === undefined ? {} : { previousRunId: run.previousRunId }),
    ...(run.nextRunId === undefined ? {} : { nextRunId: run.nextRunId }),
  };
}

/** Live facts about a run that only the engine knows. */
export interface LiveFacts {
  readonly resident: boolean;
  readonly restarts: number;
  readonly blocked?: { readonly code: string; readonly message: string };
  readonly phase?: string;
}

/**
 * The live facts of a stored run: its resident host, if any, or why it is
 * blocked while not resident (an unregistered type).
 */
export function liveFacts(runs: ResidentRuns, run: RunSummary): LiveFacts {
  const host = runs.get(run.workflowId, run.runId);
  const blocked =
    host?.blocked ??
    (run.status === 'running' ? runs.blockedError(run.workflowId, run.runId) : undefined);
  const code = blocked instanceof AionError ? blocked.code : ErrorCode.NONDETERMINISM;
  return {
    resident: host !== undefined,
    restarts: host?.restarts ?? 0,
    ...(blocked === undefined ? {} : { blocked: { code, message: blocked.message } }),
    ...(host === undefined ? {} : { phase: host.phase }),
  };
}

/** Combines the stored summary and the live facts. */
export function describeRun(run: RunSummary, live: LiveFacts): WorkflowDescription {
  return {
    ...summaryOf(run),
    residency: live.resident ? 'resident' : 'suspended',
    ...(run.parent === undefined ? {} : { parent: run.parent }),
    pendingActivities: run.pendingActivities,
    pendingTimers: run.pendingTimers,
    ...(live.blocked === undefined ? {} : { blocked: live.blocked }),
    restarts: live.restarts,
    ...(live.phase === undefined ? {} : { phase: live.phase }),
  };
}
