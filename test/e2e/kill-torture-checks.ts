/**
 * What must hold of the kill torture's store once every run has ended,
 * beyond the generic store checks (test/sim/store-checks.ts): every
 * acknowledged start ended exactly once, every acknowledged signal was
 * consumed exactly once, the results the code received are the ones the
 * history recorded (and that some attempt really returned), each run was
 * announced at most once, and every history replays against the code.
 */
import { isDeepStrictEqual } from 'node:util';
import { isTerminalEventType } from '../../src/core/index.js';
import { replayHistory } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import type { Snapshot, SnapshotRun } from '../sim/snapshot.js';
import {
  COUNTERS,
  counterId,
  createWorkload,
  isCancelled,
  isTerminated,
} from './fixtures/kill-workload.js';
import type { CounterResult, JournalLine, OrderResult } from './fixtures/kill-workload.js';

/** What the processes and the test acknowledged, from their output. */
export interface Acknowledged {
  /** `workflowId runId` of every acknowledged start. */
  readonly starts: readonly string[];
  /** Every acknowledged signal. */
  readonly signals: ReadonlyArray<{ workflowId: string; name: string; payload: string }>;
  /** `workflowId runId` of every `outcomes$` notice of every engine. */
  readonly outcomes: readonly string[];
}

type Completed = Extract<HistoryEvent, { type: 'ActivityCompleted' }>;

const terminalOf = (run: SnapshotRun): HistoryEvent | undefined =>
  run.history.find((event) => isTerminalEventType(event.type));

/** The runs of one workflow id, oldest first (run ids are ULIDs). */
function chainOf(snapshot: Snapshot, workflowId: string): SnapshotRun[] {
  return [...snapshot.runs.values()]
    .filter((run) => run.summary.workflowId === workflowId)
    .sort((a, b) => (a.summary.runId < b.summary.runId ? -1 : 1));
}

/** Every acknowledged start names a run that exists and ended exactly once; no run is left running. */
export function checkRunsEnded(snapshot: Snapshot, acked: Acknowledged): string[] {
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) {
    const name = `${run.summary.workflowId}/${run.summary.runId}`;
    const terminals = run.history.filter((event) => isTerminalEventType(event.type));
    if (terminals.length !== 1) problems.push(`${name}: ${terminals.length} terminal events`);
    if (run.summary.status === 'running') problems.push(`${name}: still running (stuck)`);
  }
  for (const start of acked.starts) {
    const [workflowId, runId] = start.split(' ') as [string, string];
    const run = snapshot.runs.get(`${workflowId} ${runId}`);
    if (run === undefined) problems.push(`acknowledged start ${start} is not in the store`);
  }
  // One chain per workflow id: a start never ran twice for the same id.
  const firsts = new Map<string, number>();
  for (const run of snapshot.runs.values()) {
    const started = run.history[0];
    if (started?.type !== 'WorkflowStarted' || started.previousRunId !== undefined) continue;
    firsts.set(run.summary.workflowId, (firsts.get(run.summary.workflowId) ?? 0) + 1);
  }
  for (const [workflowId, count] of firsts) {
    if (count !== 1) problems.push(`${workflowId}: ${count} chains started`);
  }
  const announced = new Set<string>();
  for (const outcome of acked.outcomes) {
    if (announced.has(outcome)) problems.push(`outcome of ${outcome} announced twice`);
    announced.add(outcome);
  }
  return problems;
}

/**
 * Every acknowledged `inc` signal was consumed exactly once by its counter
 * chain, no signal was consumed twice, and each consumed one was sent.
 */
export function checkCounters(snapshot: Snapshot, acked: Acknowledged): string[] {
  const problems: string[] = [];
  for (let k = 0; k < COUNTERS; k++) {
    const workflowId = counterId(k);
    const chain = chainOf(snapshot, workflowId);
    const last = chain.at(-1);
    const terminal = last === undefined ? undefined : terminalOf(last);
    if (terminal?.type !== 'WorkflowCompleted') {
      problems.push(`${workflowId}: chain ended with ${terminal?.type ?? 'nothing'}`);
      continue;
    }
    const { consumed } = terminal.result as CounterResult;
    const seen = new Set<string>();
    for (const payload of consumed) {
      if (seen.has(payload)) problems.push(`${workflowId}: signal ${payload} consumed twice`);
      seen.add(payload);
      if (!/^[cp][\w-]+\.\d+$/.test(payload)) {
        problems.push(`${workflowId}: consumed ${payload}, which no one sent`);
      }
    }
    const sent = acked.signals.filter((s) => s.workflowId === workflowId && s.name === 'inc');
    for (const { payload } of sent) {
      if (payload !== 'stop' && !seen.has(payload)) {
        problems.push(`${workflowId}: acknowledged signal ${payload} was never consumed (lost)`);
      }
    }
  }
  return problems;
}

/** The one `ActivityCompleted` of the activity of `type` in a history. */
function completedOf(history: readonly HistoryEvent[], type: string): Completed[] {
  const ids = new Set(
    history
      .filter((e) => e.type === 'ActivityScheduled' && e.activityType === type)
      .map((e) => (e as { activityId: number }).activityId),
  );
  return history.filter(
    (e): e is Completed => e.type === 'ActivityCompleted' && ids.has(e.activityId),
  );
}

/**
 * What each order's code received (its result) is what its history
 * recorded: activity results, the child's result, the approval.
 */
export function checkOrders(snapshot: Snapshot, acked: Acknowledged): string[] {
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) {
    if (run.summary.workflowType !== 'order') continue;
    const { workflowId } = run.summary;
    const name = `${workflowId}/${run.summary.runId}`;
    const n = Number(workflowId.slice('order-'.length));
    const terminal = terminalOf(run);
    const approvals = run.history.filter(
      (e) => e.type === 'SignalReceived' && e.name === 'approve',
    );
    if (approvals.length > 1) problems.push(`${name}: approved ${approvals.length} times`);
    for (const signal of acked.signals) {
      if (signal.workflowId !== workflowId || signal.name !== 'approve') continue;
      const recorded = approvals.some(
        (e) => e.type === 'SignalReceived' && e.payload === signal.payload,
      );
      if (!recorded) problems.push(`${name}: acknowledged approval ${signal.payload} is lost`);
    }
    if (terminal?.type === 'WorkflowTerminated') {
      if (!isTerminated(n)) problems.push(`${name}: terminated, but no one terminates it`);
      continue;
    }
    if (terminal?.type !== 'WorkflowCompleted') {
      problems.push(`${name}: ended ${terminal?.type ?? 'never'}`);
      continue;
    }
    const result = terminal.result as OrderResult;
    if (result.outcome === 'cancelled' && !isCancelled(n)) {
      problems.push(`${name}: compensated, but no one cancels it`);
    }
    for (const [key, value] of Object.entries(result.got)) {
      if (key === 'approval') {
        const first = approvals[0];
        if (first?.type !== 'SignalReceived' || first.payload !== value) {
          problems.push(`${name}: the code got approval ${String(value)}, history holds another`);
        }
        continue;
      }
      if (key === 'ship') {
        const child = run.history.find((e) => e.type === 'ChildWorkflowCompleted');
        if (child?.type !== 'ChildWorkflowCompleted' || !isDeepStrictEqual(child.result, value)) {
          problems.push(
            `${name}: the code got ${String(value)} from its child, history holds another`,
          );
        }
        continue;
      }
      const completed = completedOf(run.history, key);
      if (completed.length !== 1 || completed[0]?.result !== value) {
        problems.push(
          `${name}: the code got ${key} = ${String(value)}, history recorded ` +
            `${JSON.stringify(completed.map((e) => e.result))}`,
        );
      }
    }
  }
  return problems;
}

/**
 * Every recorded attempt (completed or failed) really ran, and a completed
 * one recorded what that attempt returned.
 */
export function checkJournal(snapshot: Snapshot, journal: readonly JournalLine[]): string[] {
  const problems: string[] = [];
  const byKey = new Map<string, JournalLine[]>();
  for (const line of journal) {
    const lines = byKey.get(line.key) ?? [];
    lines.push(line);
    byKey.set(line.key, lines);
  }
  for (const run of snapshot.runs.values()) {
    const { workflowId, runId } = run.summary;
    for (const event of run.history) {
      if (event.type !== 'ActivityCompleted' && event.type !== 'ActivityFailed') continue;
      const key = `${workflowId}/${runId}/${event.activityId}`;
      const attempts = (byKey.get(key) ?? []).filter((line) => line.attempt === event.attempt);
      const result = event.type === 'ActivityCompleted' ? event.result : null;
      if (!attempts.some((line) => line.result === result)) {
        problems.push(
          `${key}: recorded attempt ${event.attempt} (${String(result)}) never ran with that result`,
        );
      }
    }
  }
  return problems;
}

/** Every history replays against the workload's code without nondeterminism. */
export async function checkReplays(snapshot: Snapshot): Promise<string[]> {
  const { workflows } = createWorkload('/dev/null');
  const problems: string[] = [];
  for (const run of snapshot.runs.values()) {
    const definition = workflows.find((def) => def.name === run.summary.workflowType);
    if (definition === undefined) {
      problems.push(`${run.summary.workflowId}: unknown type ${run.summary.workflowType}`);
      continue;
    }
    const replay = await replayHistory(definition, run.history);
    if (!replay.ok) problems.push(`${run.summary.workflowId}: ${replay.error.message}`);
  }
  return problems;
}
