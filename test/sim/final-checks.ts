import { AionError, replayHistory } from '../../src/index.js';
import type { Engine } from '../../src/index.js';
import type { MemoryStoreData } from '../../src/store/index.js';
import { checkActivities } from './activity-checks.js';
import type { CrashableStore, DurabilityModel } from './durable-store.js';
import type { OutcomeLedger } from './outcome-ledger.js';
import { checkReceived } from './received-checks.js';
import type { FlowInput, FlowState, LogEntry } from './script.js';
import { checkSignals } from './signal-checks.js';
import type { SimDefinitions } from './sim-definitions.js';
import type { SimWorld } from './sim-world.js';
import { runKey } from './snapshot.js';
import type { Snapshot } from './snapshot.js';
import { checkStore } from './store-checks.js';
import { checkStuck } from './stuck-checks.js';
import type { RunningFacts } from './stuck-checks.js';

/** What the end of a simulation checks with. */
export interface FinalInput {
  readonly engine: Engine;
  readonly store: CrashableStore;
  readonly model: DurabilityModel;
  readonly world: SimWorld;
  readonly definitions: SimDefinitions;
  readonly outcomes: OutcomeLedger;
  readonly acked: ReadonlyMap<string, string>;
  readonly now: number;
  drive<T>(promise: Promise<T>, what: string): Promise<T>;
  /** Lets the engine run, acknowledging everything, until it records nothing. */
  idle(): Promise<void>;
  /** How many events the engine published so far. */
  events(): number;
}

/** What the end of a simulation found. */
export interface FinalFindings {
  readonly problems: string[];
  readonly runs: number;
  readonly ended: number;
  readonly signalsLost: number;
  readonly replays: number;
  readonly snapshot: Snapshot;
}

/** Byte-compares two sets of tables: after every acknowledgement, what the engine sees is what is durable. */
function sameTables(a: MemoryStoreData, b: MemoryStoreData): boolean {
  const tables = (data: MemoryStoreData) => [
    data.history,
    data.runs,
    ...Object.values(data.indexes),
  ];
  const left = tables(a);
  const right = tables(b);
  return left.every((table, i) => {
    const x = table.range();
    const y = (right[i] as typeof table).range();
    return (
      x.length === y.length &&
      x.every(([key, value], j) => {
        const [otherKey, otherValue] = y[j] as [string, unknown];
        return (
          key === otherKey &&
          Buffer.from(value as Uint8Array).equals(Buffer.from(otherValue as Uint8Array))
        );
      })
    );
  });
}

/** Asks every running run of the snapshot for its description and `state`. */
async function askRunning(input: FinalInput, snapshot: Snapshot): Promise<RunningFacts[]> {
  const facts: RunningFacts[] = [];
  for (const run of snapshot.runs.values()) {
    if (run.summary.status !== 'running') continue;
    const { workflowId, runId } = run.summary;
    const description = await input.drive(input.engine.describe(workflowId, runId), 'describe');
    let state: FlowState | string;
    try {
      state = await input.drive(input.engine.query<FlowState>(workflowId, 'state'), 'query');
    } catch (error) {
      state = error instanceof AionError ? error.code : String(error);
    }
    facts.push({ run, description, state });
  }
  return facts;
}

/** The log of each run whose code's view is known: its result, its successor's `prevLog`, or its live state. */
function logsOf(
  snapshot: Snapshot,
  facts: readonly RunningFacts[],
): Map<string, readonly LogEntry[]> {
  const logs = new Map<string, readonly LogEntry[]>();
  for (const [key, run] of snapshot.runs) {
    const last = run.history[run.history.length - 1];
    if (last?.type === 'WorkflowCompleted') logs.set(key, (last.result as FlowState).log);
    if (last?.type === 'WorkflowContinuedAsNew') {
      const prevLog = (last.input as FlowInput).prevLog;
      if (prevLog !== undefined) logs.set(key, prevLog);
    }
  }
  for (const { run, state } of facts) {
    const key = runKey(run.summary.workflowId, run.summary.runId);
    const stored = snapshot.runs.get(key);
    if (typeof state !== 'string' && stored?.summary.status === 'running') logs.set(key, state.log);
  }
  return logs;
}

/**
 * The checks at the end of a simulation, once everything is acknowledged
 * and settled: the store on its own, what each run's code received, signals,
 * activity attempts, outcome notices, stuck runs, and a replay of every
 * history against the code.
 */
export async function finalChecks(input: FinalInput): Promise<FinalFindings> {
  const problems: string[] = [];
  if (!sameTables(input.store.visibleData, input.model.durableData)) {
    problems.push(
      'after every acknowledgement, the engine sees tables that are not the durable ones',
    );
  }
  // Queries wake suspended runs; a run that then records anything had work
  // to do that nothing had woken it for: it was stuck.
  const eventsBefore = input.events();
  const asked = await askRunning(input, (await checkStore(input.store)).snapshot);
  await input.idle();
  if (input.events() !== eventsBefore) {
    problems.push(
      `the engine recorded ${input.events() - eventsBefore} event(s) once the final queries woke runs that had been stuck`,
    );
  }
  const checked = await checkStore(input.store);
  const { snapshot } = checked;
  problems.push(...checked.problems);
  const running = asked.filter(
    ({ run }) =>
      snapshot.runs.get(runKey(run.summary.workflowId, run.summary.runId))?.summary.status ===
      'running',
  );
  const logs = logsOf(snapshot, running);
  for (const [key, log] of logs) {
    const run = snapshot.runs.get(key);
    if (run !== undefined) problems.push(...checkReceived(run, log));
  }
  const signals = checkSignals(snapshot, logs, input.acked);
  problems.push(...signals.problems);
  problems.push(...checkActivities(snapshot, input.world));
  problems.push(...input.outcomes.check(snapshot, input.model));
  problems.push(...checkStuck(snapshot, running, input.world, input.now));

  let replays = 0;
  input.world.checking = true;
  try {
    for (const run of snapshot.runs.values()) {
      const last = run.history[run.history.length - 1];
      // A crash loop ends the run where the code kept crashing, which a
      // replay (where scripted crashes stay silent) cannot reproduce.
      if (last?.type === 'WorkflowFailed' && last.error.code === 'CRASH_LOOP') continue;
      const replay = await input.drive(
        replayHistory(input.definitions.flow, run.history),
        'replay',
      );
      replays++;
      if (!replay.ok) {
        const { workflowId, runId } = run.summary;
        problems.push(
          `${workflowId}/${runId}: replay found nondeterminism: ${replay.error.message}`,
        );
      }
    }
  } finally {
    input.world.checking = false;
  }
  const ended = [...snapshot.runs.values()].filter((run) => run.summary.status !== 'running');
  return {
    problems,
    runs: snapshot.runs.size,
    ended: ended.length,
    signalsLost: signals.lost,
    replays,
    snapshot,
  };
}
