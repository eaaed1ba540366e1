import { WORKFLOW_STATUSES } from '../../src/core/index.js';
import type { HistoryEvent, WorkflowStatus } from '../../src/core/index.js';
import type { EventStore, RunSummary, TimerEntry } from '../../src/store/index.js';

/** One stored run as every read of the store shows it. */
export interface SnapshotRun {
  /** From `getRun`. */
  readonly summary: RunSummary;
  /** From `listRuns` (unfiltered). */
  readonly listed: RunSummary;
  readonly history: readonly HistoryEvent[];
}

/** Everything the store answers about its runs, read through the `EventStore` contract. */
export interface Snapshot {
  /** Keyed by {@link runKey}. */
  readonly runs: ReadonlyMap<string, SnapshotRun>;
  readonly nonTerminal: ReadonlySet<string>;
  readonly timers: readonly TimerEntry[];
  /** `getLatestRunId` of every workflow id that has runs. */
  readonly latest: ReadonlyMap<string, string | undefined>;
  /** `listRuns({ status })` of every status. */
  readonly byStatus: ReadonlyMap<WorkflowStatus, ReadonlySet<string>>;
  /** `listRuns({ workflowType })` of every type that has runs. */
  readonly byType: ReadonlyMap<string, ReadonlySet<string>>;
}

/** The map key of a run. */
export const runKey = (workflowId: string, runId: string): string => `${workflowId} ${runId}`;

async function listAll(
  store: EventStore,
  filter: { status?: WorkflowStatus; workflowType?: string },
): Promise<RunSummary[]> {
  const out: RunSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await store.listRuns({
      ...filter,
      limit: 500,
      ...(cursor === undefined ? {} : { cursor }),
    });
    out.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return out;
}

const keysOf = (runs: readonly RunSummary[]): Set<string> =>
  new Set(runs.map((run) => runKey(run.workflowId, run.runId)));

/** Reads every run, history and index the store holds. */
export async function loadSnapshot(store: EventStore): Promise<Snapshot> {
  const listed = await listAll(store, {});
  const runs = new Map<string, SnapshotRun>();
  for (const item of listed) {
    const summary = await store.getRun(item.workflowId, item.runId);
    const history = await store.readHistory(item.workflowId, item.runId);
    if (summary === undefined) {
      throw new Error(`listRuns lists ${item.workflowId}/${item.runId} but getRun misses it`);
    }
    runs.set(runKey(item.workflowId, item.runId), { summary, listed: item, history });
  }
  const latest = new Map<string, string | undefined>();
  for (const run of listed) {
    if (!latest.has(run.workflowId)) {
      latest.set(run.workflowId, await store.getLatestRunId(run.workflowId));
    }
  }
  const byStatus = new Map<WorkflowStatus, ReadonlySet<string>>();
  for (const status of WORKFLOW_STATUSES)
    byStatus.set(status, keysOf(await listAll(store, { status })));
  const byType = new Map<string, ReadonlySet<string>>();
  for (const type of new Set(listed.map((run) => run.workflowType))) {
    byType.set(type, keysOf(await listAll(store, { workflowType: type })));
  }
  return {
    runs,
    nonTerminal: keysOf(await store.listNonTerminal()),
    timers: await store.dueTimers(Number.MAX_SAFE_INTEGER, 1_000_000),
    latest,
    byStatus,
    byType,
  };
}
