import { expect } from 'vitest';
import { AionError, Engine, virtualClock } from '../../src/index.js';
import type {
  ActivityDefinition,
  HistoryEvent,
  OutcomeNotice,
  VirtualClock,
  WorkflowDefinition,
  WorkflowHandle,
} from '../../src/index.js';
import { isTerminalEventType } from '../../src/core/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { RunAppend, RunSummary } from '../../src/store/index.js';
import { tick } from './wait-until.js';

/**
 * Crash-point equivalence for scenarios that span several runs and take
 * input from outside (signals, queries, cancellation, termination).
 *
 * The uninterrupted scenario is recorded on a MemoryStore whose every commit
 * is kept. A process killed at any moment leaves exactly a prefix of those
 * commits on disk (each commit is one atomic batch), so "crash at every
 * event boundary" means: for every j, a store holding the first j commits.
 * An engine opened on it must end every run exactly as the uninterrupted
 * scenario did. Outside actions are replayed at the same point: an action
 * taken after commit c_i is taken again iff the cut is at or before c_i, and
 * it is taken once the recovered store holds as many events as the original
 * held when the action was taken.
 *
 * Time is virtual and moves only when the engine is quiet, so a scenario is
 * deterministic as long as no two runs race within one quiet period (a
 * child's outcome against its parent's next command, say): order such
 * interactions with a timer, as the real clock would not promise an order
 * either.
 */

/** An action from outside the runs, taken once the engine is quiet and `when` holds. */
export interface Step {
  readonly label: string;
  /** Decides when to act, from every durable event so far, in commit order. */
  when(events: readonly HistoryEvent[]): boolean;
  /** The action; what it resolves with (or the code it rejects with) must be the same after a crash. */
  act(engine: Engine): Promise<unknown>;
  /**
   * The event type the action records, if any. The harness checks that it
   * is in the very next commit, so a crash point either holds the whole
   * effect or none of it.
   */
  readonly effect?: HistoryEvent['type'] | undefined;
}

/** A multi-run scenario the harness can record and recover. */
export interface Scenario {
  readonly name: string;
  readonly workflows: readonly WorkflowDefinition[];
  readonly activities: readonly ActivityDefinition[];
  /** Starts the root run; its commit is the first. */
  start(engine: Engine): Promise<WorkflowHandle>;
  readonly steps?: readonly Step[];
}

/** What one step did in the uninterrupted scenario. */
interface StepRecord {
  readonly label: string;
  readonly commitsBefore: number;
  readonly eventsBefore: number;
  readonly answer: unknown;
}

/** One stored run: its summary and history. */
export interface StoredRun {
  readonly summary: RunSummary;
  readonly history: HistoryEvent[];
}

/** The uninterrupted scenario. */
export interface Recording {
  readonly commits: ReadonlyArray<readonly RunAppend[]>;
  readonly steps: readonly StepRecord[];
  readonly runs: readonly StoredRun[];
  readonly notices: readonly OutcomeNotice[];
}

/** The scenario after a crash at one point. */
export interface Recovered {
  readonly runs: readonly StoredRun[];
  /** Answers of the steps taken after the crash, by label. */
  readonly answers: ReadonlyMap<string, unknown>;
  readonly notices: readonly OutcomeNotice[];
}

let current: VirtualClock | undefined;

/**
 * The virtual clock of the engine the harness is driving: activities that
 * need to take virtual time (to finish after a deadline) schedule on it.
 */
export function harnessClock(): VirtualClock {
  if (current === undefined) throw new Error('no scenario is being driven');
  return current;
}

const EPOCH = Date.UTC(2024, 0, 1);
const QUIET_TICKS = 20;
const TIMEOUT_MS = 10_000;

/** Runs the scenario to its end without a crash, keeping every commit. */
export async function recordScenario(scenario: Scenario): Promise<Recording> {
  const commits: RunAppend[][] = [];
  const store = new MemoryStore({
    beforeWrite: (appends) => commits.push(structuredClone([...appends])),
  });
  const clock = virtualClock(EPOCH);
  const engine = await open(scenario, store, clock);
  const events: HistoryEvent[] = [];
  const notices: OutcomeNotice[] = [];
  const subscriptions = [
    engine.events$.subscribe((event) => events.push(event)),
    engine.outcomes$.subscribe((notice) => notices.push(notice)),
  ];
  const steps: StepRecord[] = [];
  try {
    await scenario.start(engine);
    await drive(engine, store, clock, scenario.steps ?? [], {
      due: (step) => step.when(events),
      take: async (step) => {
        const commitsBefore = commits.length;
        const eventsBefore = await countEvents(store);
        const answer = await answerOf(step.act(engine));
        steps.push({
          label: step.label,
          commitsBefore,
          eventsBefore,
          answer,
        });
      },
    });
    return { commits, steps, runs: await readRuns(store), notices };
  } finally {
    for (const subscription of subscriptions) subscription.unsubscribe();
    await engine.close();
    await store.close();
  }
}

/** Opens an engine on the first `cut` commits of a recording and runs the scenario to its end. */
export async function recoverScenario(
  scenario: Scenario,
  recording: Recording,
  cut: number,
): Promise<Recovered> {
  const store = new MemoryStore();
  let lastTime = EPOCH;
  for (const appends of recording.commits.slice(0, cut)) {
    await store.commit(appends);
    for (const append of appends)
      for (const event of append.events) lastTime = Math.max(lastTime, event.recordedAt);
  }
  const clock = virtualClock(lastTime);
  const engine = await open(scenario, store, clock);
  const notices: OutcomeNotice[] = [];
  const subscription = engine.outcomes$.subscribe((notice) => notices.push(notice));
  const answers = new Map<string, unknown>();
  // Steps whose effect the prefix already holds are not taken again.
  const all = scenario.steps ?? [];
  const skipped = all.filter((_, i) => cut > stepAt(recording, i).commitsBefore).length;
  try {
    await drive(engine, store, clock, all.slice(skipped), {
      due: async (_step, index) =>
        (await countEvents(store)) >= stepAt(recording, skipped + index).eventsBefore,
      take: async (step) => {
        answers.set(step.label, await answerOf(step.act(engine)));
      },
    });
    return { runs: await readRuns(store), answers, notices };
  } finally {
    subscription.unsubscribe();
    await engine.close();
    await store.close();
  }
}

function stepAt(recording: Recording, i: number): StepRecord {
  const step = recording.steps[i];
  if (step === undefined) throw new Error(`step #${i} was never taken in the recording`);
  return step;
}

function open(scenario: Scenario, store: MemoryStore, clock: VirtualClock): Promise<Engine> {
  current = clock;
  return Engine.open({
    store,
    clock,
    workflows: scenario.workflows,
    activities: scenario.activities,
  });
}

interface DriveHooks {
  due(step: Step, index: number): boolean | Promise<boolean>;
  take(step: Step): Promise<void>;
}

/**
 * Waits until the engine is quiet; then takes the next step if it is due,
 * else moves virtual time to the next deadline; until every step was taken
 * and no run is left running.
 */
async function drive(
  engine: Engine,
  store: MemoryStore,
  clock: VirtualClock,
  steps: readonly Step[],
  hooks: DriveHooks,
): Promise<void> {
  const deadline = Date.now() + TIMEOUT_MS;
  let seen = 0;
  const subscription = engine.events$.subscribe(() => seen++);
  let next = 0;
  try {
    for (;;) {
      let quiet = 0;
      let last = seen;
      while (quiet < QUIET_TICKS) {
        await tick();
        if (seen === last) quiet++;
        else [quiet, last] = [0, seen];
        if (Date.now() > deadline) throw new Error(`scenario timed out before step #${next}`);
      }
      const step = steps[next];
      if (step !== undefined && (await hooks.due(step, next))) {
        await hooks.take(step);
        next++;
        continue;
      }
      if (step === undefined && (await store.listNonTerminal()).length === 0) return;
      const at = clock.nextDeadline();
      if (at === undefined) {
        const running = (await store.listNonTerminal()).map((r) => r.workflowId);
        throw new Error(
          `stuck: nothing scheduled, waiting for ${step?.label ?? 'the end'}; running: ${running.join(', ')}`,
        );
      }
      clock.advanceTo(Math.max(at, clock.now()));
    }
  } finally {
    subscription.unsubscribe();
  }
}

async function answerOf(action: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await action };
  } catch (error) {
    return { error: error instanceof AionError ? error.code : String(error) };
  }
}

async function countEvents(store: MemoryStore): Promise<number> {
  const page = await store.listRuns({ limit: 10_000 });
  return page.items.reduce((sum, run) => sum + run.historyLength, 0);
}

async function readRuns(store: MemoryStore): Promise<StoredRun[]> {
  const page = await store.listRuns({ limit: 10_000 });
  const runs = await Promise.all(
    page.items.map(async (summary) => ({
      summary,
      history: await store.readHistory(summary.workflowId, summary.runId),
    })),
  );
  return runs.sort((a, b) =>
    a.summary.workflowId === b.summary.workflowId
      ? a.summary.startedAt - b.summary.startedAt
      : a.summary.workflowId < b.summary.workflowId
        ? -1
        : 1,
  );
}

/**
 * Run ids are drawn anew after a crash, so runs are compared under stable
 * labels: `workflowId#n`, the n-th run of the workflow id's
 * continue-as-new chain (followed by `previousRunId`).
 */
function runLabels(runs: readonly StoredRun[]): Map<string, string> {
  const labels = new Map<string, string>();
  const byWorkflow = new Map<string, StoredRun[]>();
  for (const run of runs) {
    const list = byWorkflow.get(run.summary.workflowId) ?? [];
    list.push(run);
    byWorkflow.set(run.summary.workflowId, list);
  }
  for (const [workflowId, list] of byWorkflow) {
    const byPrevious = new Map(list.map((run) => [run.summary.previousRunId, run]));
    let run = list.find((r) => r.summary.previousRunId === undefined);
    for (let n = 0; run !== undefined; n++) {
      labels.set(run.summary.runId, `${workflowId}#${n}`);
      run = byPrevious.get(run.summary.runId);
    }
    // Runs of the id outside that chain (started again after it ended), by start time.
    list
      .filter((other) => !labels.has(other.summary.runId))
      .forEach((other, n) => labels.set(other.summary.runId, `${workflowId}#again${n}`));
  }
  return labels;
}

// Timestamps may differ after a crash (the recovered clock starts at the
// last stored event); everything else must not.
const IGNORED = new Set(['recordedAt', 'fireAt', 'nextAttemptAt', 'executionTimeoutAt']);

/** A run's history with run ids replaced by labels; timestamps and error stacks left out. */
function comparable(value: unknown, labels: ReadonlyMap<string, string>): unknown {
  if (typeof value === 'string') {
    let out = value;
    for (const [runId, label] of labels) out = out.split(runId).join(label);
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => comparable(v, labels));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => !IGNORED.has(key) && key !== 'stack')
      .map(([key, field]) => [key, comparable(field, labels)]),
  );
}

/** Every run of a store under its label: `{ 'order#0': [events...] }`. */
export function comparableRuns(runs: readonly StoredRun[]): Record<string, unknown> {
  const labels = runLabels(runs);
  const out: Record<string, unknown> = {};
  for (const run of runs) {
    out[labels.get(run.summary.runId) ?? run.summary.runId] = comparable(run.history, labels);
  }
  return out;
}

/** The event types of a run's history, for readable assertions. */
export function typesOf(history: readonly HistoryEvent[]): string[] {
  return history.map((event) => event.type);
}

/** Asserts that every run ends exactly once: one terminal event, the last. */
export function expectEachRunEndsOnce(runs: readonly StoredRun[], where: string): void {
  for (const run of runs) {
    const terminals = run.history.filter((event) => isTerminalEventType(event.type));
    expect(terminals, `${where}: ${run.summary.workflowId} ${run.summary.runId}`).toHaveLength(1);
    expect(run.history.at(-1), `${where}: ${run.summary.workflowId}`).toBe(terminals[0]);
  }
}

/**
 * Records the scenario, then recovers it from every crash point and checks
 * that each recovery ends every run as the uninterrupted scenario did: the
 * stored prefix unchanged, the same histories (timestamps and run ids
 * aside), the same step answers, one terminal event per run, and one
 * outcome notice for each run that ended after the crash.
 *
 * @returns the recording, for scenario-specific assertions.
 */
export async function expectEquivalentAtEveryCrashPoint(scenario: Scenario): Promise<Recording> {
  const recording = await recordScenario(scenario);
  expectEachRunEndsOnce(recording.runs, `${scenario.name} uninterrupted`);
  expect(recording.notices.map((n) => n.runId).sort(), 'one outcome notice per run').toEqual(
    recording.runs.map((r) => r.summary.runId).sort(),
  );
  expect(recording.steps.map((s) => s.label)).toEqual((scenario.steps ?? []).map((s) => s.label));
  (scenario.steps ?? []).forEach((step, i) => {
    if (step.effect === undefined) return;
    const effect = recording.commits[stepAt(recording, i).commitsBefore] ?? [];
    const types = effect.flatMap((append) => append.events.map((event) => event.type));
    expect(types, `${step.label} is the next commit`).toContain(step.effect);
  });
  const expected = comparableRuns(recording.runs);
  for (let cut = 1; cut < recording.commits.length; cut++) {
    const where = `${scenario.name} crashed after commit ${cut} of ${recording.commits.length}`;
    const recovered = await recoverScenario(scenario, recording, cut).catch((error: unknown) => {
      const held = recording.commits
        .slice(0, cut)
        .map((appends, i) => `${i + 1}: ${appends.map(describeAppend).join(' | ')}`);
      throw new Error(`${where}: ${String(error)}\nthe store held:\n${held.join('\n')}`, {
        cause: error,
      });
    });
    expectEachRunEndsOnce(recovered.runs, where);
    // What the crash left on disk is kept as it was.
    for (const appends of recording.commits.slice(0, cut)) {
      for (const append of appends) {
        const run = recovered.runs.find((r) => r.summary.runId === append.runId);
        expect(
          run?.history.slice(append.expectedSeq, append.expectedSeq + append.events.length),
          where,
        ).toEqual(append.events);
      }
    }
    expect(comparableRuns(recovered.runs), where).toEqual(expected);
    for (const step of recording.steps) {
      if (recovered.answers.has(step.label)) {
        expect(recovered.answers.get(step.label), `${where}: ${step.label}`).toEqual(step.answer);
      }
    }
    const endedInPrefix = new Set(
      recording.commits
        .slice(0, cut)
        .flatMap((appends) => appends)
        .filter((append) => append.events.some((e) => isTerminalEventType(e.type)))
        .map((append) => append.runId),
    );
    const expectedNotices = recovered.runs
      .filter((run) => !endedInPrefix.has(run.summary.runId))
      .map((run) => run.summary.runId)
      .sort();
    expect(recovered.notices.map((n) => n.runId).sort(), `${where}: outcome notices`).toEqual(
      expectedNotices,
    );
  }
  return recording;
}

function describeAppend(append: RunAppend): string {
  return `${append.workflowId} ${append.events.map((e) => e.type).join(',')}`;
}

/** A `when` that holds once an event of `type` (with the given fields) is durable. */
export function after(
  type: HistoryEvent['type'],
  fields: Readonly<Record<string, unknown>> = {},
): Step['when'] {
  return (events) =>
    events.some(
      (event) =>
        event.type === type &&
        Object.entries(fields).every(
          ([key, value]) => (event as unknown as Record<string, unknown>)[key] === value,
        ),
    );
}
