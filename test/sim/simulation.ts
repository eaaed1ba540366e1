import { AionError, virtualClock } from '../../src/index.js';
import type { HistoryEvent, OutcomeNotice, SupervisionEvent } from '../../src/index.js';
import { DurabilityModel } from './durable-store.js';
import { dumpSnapshot } from './dump.js';
import { finalChecks } from './final-checks.js';
import { Incarnation } from './incarnation.js';
import type { IncarnationSetup } from './incarnation.js';
import { OutcomeLedger } from './outcome-ledger.js';
import { createPrng } from './prng.js';
import type { Prng } from './prng.js';
import { SIGNAL_NAMES } from './script.js';
import type { SignalPayload } from './script.js';
import { createSimDefinitions } from './sim-definitions.js';
import type { SimDefinitions } from './sim-definitions.js';
import { emptyStats } from './sim-result.js';
import type { SimResult, SimStats } from './sim-result.js';
import { SimWorld } from './sim-world.js';
import { loadSnapshot } from './snapshot.js';
import { checkStore } from './store-checks.js';
import { Trace } from './trace.js';
import { ACTION_WEIGHTS, drawRootInput, drawTimeJump } from './workload.js';
import type { ActionKind } from './workload.js';

/** Options of {@link simulate}. */
export interface SimOptions {
  readonly seed: number;
  /** Workload steps before the final settling. @default 60 */
  readonly steps?: number;
  /** Keep the whole trace and every final history in the result, for debugging a seed. */
  readonly dump?: boolean;
}

const START = Date.UTC(2024, 0, 1);
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
/** Errors a call may meet in a correct engine (the target ended, or never existed). */
const GONE = ['WORKFLOW_NOT_RUNNING', 'WORKFLOW_NOT_FOUND'];
/** Turns a single call may take before the simulator calls it hung. */
const MAX_DRIVE_TURNS = 20_000;

/**
 * Runs the real engine on the durability model and a virtual clock, driven
 * by one seed: a random workload with crashes at random points, invariants
 * checked after every step and at the end. See docs/reliability.md.
 */
export async function simulate(options: SimOptions): Promise<SimResult> {
  return new Simulation(options.seed, options.steps ?? 60, options.dump === true).run();
}

class Simulation {
  readonly #seed: number;
  readonly #steps: number;
  readonly #dump: boolean;
  #dumped: string[] = [];
  readonly #actions: Prng;
  readonly #workload: Prng;
  readonly #acks: Prng;
  readonly #crashes: Prng;
  readonly #clock = virtualClock(START);
  readonly #model = new DurabilityModel();
  readonly #world: SimWorld;
  readonly #defs: SimDefinitions;
  readonly #setup: IncarnationSetup;
  readonly #trace = new Trace();
  readonly #outcomes = new OutcomeLedger();
  readonly #stats: SimStats = emptyStats();
  readonly #problems: string[] = [];
  /** Workflow ids signals and operations may target: roots and children seen. */
  readonly #targets: string[] = [];
  /** sid -> the workflow id whose `signal()` call resolved. */
  readonly #acked = new Map<string, string>();
  #incarnation: Incarnation | undefined;
  readonly #disk: { readonly write: number; readonly ack: number };
  readonly #weights: Readonly<Record<ActionKind, number>>;
  #ackAll = false;
  #events = 0;
  #ids = 0;
  #step = 0;

  constructor(seed: number, steps: number, dump: boolean) {
    this.#seed = seed;
    this.#steps = steps;
    this.#dump = dump;
    const root = createPrng(seed);
    this.#actions = root.fork('actions');
    this.#workload = root.fork('workload');
    this.#acks = root.fork('acks');
    this.#crashes = root.fork('crashes');
    const config = root.fork('config');
    this.#world = new SimWorld(seed, this.#clock);
    this.#defs = createSimDefinitions(this.#world);
    // How the disk behaves and how often the process dies vary by seed: a
    // slow disk leaves more commits in flight at a crash.
    this.#disk = { write: config.pick([0.2, 0.7, 1]), ack: config.pick([0.15, 0.6, 1]) };
    this.#weights = { ...ACTION_WEIGHTS, crash: config.pick([1, 3, 8]) };
    this.#model.onRejected = (appends, error) =>
      this.#trace.add(`store refused a commit to ${appends[0]?.workflowId}: ${codeOf(error)}`);
    this.#setup = {
      model: this.#model,
      clock: this.#clock,
      world: this.#world,
      definitions: this.#defs,
      idStream: root.fork('ids'),
      engineOptions: {
        idleTimeout: config.pick(['1s', '10s', '30s']),
        maxResidentRuns: config.pick([2, 5, 10_000]),
      },
      watchers: {
        onEvent: (event) => this.#onEvent(event),
        onOutcome: (notice) => this.#onOutcome(notice),
        onSupervision: (event) => this.#onSupervision(event),
      },
      drive: (promise, what) => this.#drive(promise, what),
    };
  }

  async run(): Promise<SimResult> {
    // A rejection nobody handles would crash a real process: a problem too.
    const unhandled = (reason: unknown): void =>
      this.#problem(
        `unhandled rejection: ${reason instanceof Error ? (reason.stack ?? reason.message) : String(reason)}`,
      );
    process.on('unhandledRejection', unhandled);
    try {
      return await this.#run();
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  }

  async #run(): Promise<SimResult> {
    try {
      this.#incarnation = await Incarnation.open(this.#setup);
      for (this.#step = 1; this.#step <= this.#steps && this.#problems.length === 0; this.#step++) {
        await this.#act(this.#actions.weighted(this.#weights));
        await this.#pump(this.#actions.between(1, 12));
        await this.#checkStep();
      }
      if (this.#problems.length === 0) await this.#finish();
    } catch (error) {
      this.#problem(
        `the simulator failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
    }
    if (this.#dump && this.#dumped.length === 0 && this.#incarnation !== undefined) {
      this.#dumped = dumpSnapshot(await loadSnapshot(this.#incarnation.store));
    }
    this.#stats.seeds = 1;
    this.#stats.steps = Math.min(this.#step, this.#steps);
    this.#stats.outcomes = this.#outcomes.size;
    this.#stats.duplicatedOutcomes = this.#outcomes.duplicates;
    this.#stats.activityExecutions = this.#world.executions;
    this.#stats.commitsAcked = this.#model.stats.acked;
    this.#stats.commitsKeptAtCrash = this.#model.stats.keptAtCrash;
    this.#stats.commitsLostAtCrash = this.#model.stats.lostAtCrash;
    return {
      seed: this.#seed,
      steps: this.#steps,
      problems: [...this.#problems],
      digest: this.#trace.digest(this.#model.durableData),
      stats: this.#stats,
      traceTail: this.#dump
        ? [...this.#trace.tail(this.#trace.length), ...this.#dumped]
        : this.#trace.tail(40),
    };
  }

  #problem(message: string): void {
    this.#problems.push(message);
    this.#trace.add(`PROBLEM ${message}`);
  }

  // ---- driving the event loop ----

  /** Lets the engine run for `turns` macrotasks, writing and acknowledging commits as the seed says. */
  async #pump(turns: number): Promise<void> {
    for (let i = 0; i < turns; i++) {
      await nextTurn();
      if (this.#ackAll) this.#model.ack();
      else {
        if (this.#acks.chance(this.#disk.write)) this.#model.write(this.#acks.between(1, 4));
        if (this.#acks.chance(this.#disk.ack)) this.#model.ack(this.#acks.between(1, 3));
      }
    }
  }

  /**
   * Moves virtual time from a fresh stack: timers fire inside this call, and
   * errors they create (an attempt timeout) record their stack in history,
   * which must not depend on who called the simulator.
   */
  #advanceTo(at: number): Promise<void> {
    return new Promise((resolve) =>
      setImmediate(() => {
        this.#clock.advanceTo(at);
        resolve();
      }),
    );
  }

  async #drive<T>(promise: Promise<T>, what: string): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    for (let turns = 0; !done; turns++) {
      if (turns > MAX_DRIVE_TURNS) throw new Error(`${what} did not settle`);
      await this.#pump(1);
    }
    return watched;
  }

  /** Acknowledges everything until the engine records nothing for a few turns. */
  async #idle(): Promise<void> {
    let quiet = 0;
    let seen = this.#events;
    for (let turns = 0; quiet < 4; turns++) {
      if (turns > MAX_DRIVE_TURNS) throw new Error('the engine never went idle');
      await this.#pump(1);
      if (this.#events === seen && this.#model.pending === 0) quiet++;
      else {
        quiet = 0;
        seen = this.#events;
      }
    }
  }

  // ---- watching the engine ----

  #onEvent(event: HistoryEvent): void {
    this.#events++;
    if (this.#dump) {
      this.#trace.add(
        `  event ${event.workflowId}/${event.runId.slice(-4)} ${event.seq} ${event.type} @${event.recordedAt - START}`,
      );
    }
    if (!this.#model.isAcked(event.workflowId, event.runId, event.seq)) {
      this.#problem(
        `${event.workflowId}/${event.runId}: events$ published seq ${event.seq} before it was durable`,
      );
    }
    if (event.type === 'WorkflowStarted' && !this.#targets.includes(event.workflowId)) {
      this.#targets.push(event.workflowId);
    }
  }

  #onOutcome(notice: OutcomeNotice): void {
    this.#trace.add(`outcome ${notice.workflowId} ${notice.outcome.type}`);
    for (const problem of this.#outcomes.record(notice, this.#model)) this.#problem(problem);
  }

  #onSupervision(event: SupervisionEvent): void {
    if (event.type === 'blocked') {
      this.#problem(`a run is blocked: ${event.path.join('/')} ${String(event.error)}`);
    } else if (event.type === 'fault' && !GONE.includes(codeOf(event.error))) {
      this.#problem(`engine fault at ${event.path.join('/')}: ${String(event.error)}`);
    } else {
      this.#trace.add(`supervision ${event.type} ${event.path.join('/')}`);
    }
  }

  // ---- the workload ----

  #track(
    label: string,
    call: () => Promise<unknown>,
    allowed: readonly string[],
    onOk?: () => void,
  ) {
    const incarnation = this.#incarnation?.number;
    let promise: Promise<unknown>;
    try {
      promise = call();
    } catch (error) {
      promise = Promise.reject(error);
    }
    this.#trace.add(`#${this.#step} ${label}`);
    promise.then(
      () => {
        this.#trace.add(`${label} -> ok`);
        onOk?.();
      },
      (error: unknown) => {
        const code = codeOf(error);
        this.#trace.add(`${label} -> ${code}`);
        const live = incarnation === this.#incarnation?.number;
        if (live && !allowed.includes(code)) {
          this.#problem(
            `${label} failed with ${code}: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      },
    );
  }

  #target(): string | undefined {
    return this.#targets.length === 0 ? undefined : this.#actions.pick(this.#targets);
  }

  async #act(kind: ActionKind): Promise<void> {
    const engine = (this.#incarnation as Incarnation).engine;
    const flow = this.#defs.flow;
    const target = this.#target();
    switch (kind) {
      case 'start': {
        const workflowId = `w${++this.#ids}`;
        const input = drawRootInput(this.#workload, workflowId);
        const timeout = this.#workload.chance(0.15)
          ? this.#workload.pick(['20s', '10m'])
          : undefined;
        this.#targets.push(workflowId);
        this.#stats.starts++;
        const options =
          timeout === undefined ? { workflowId } : { workflowId, executionTimeout: timeout };
        return this.#track(`start ${workflowId}`, () => engine.start(flow, input, options), []);
      }
      case 'signalWithStart': {
        const workflowId =
          target !== undefined && this.#actions.chance(0.5) ? target : `w${++this.#ids}`;
        const name = this.#actions.pick(SIGNAL_NAMES);
        const sid = `s${this.#seed}.${this.#step}`;
        const input = drawRootInput(this.#workload, `${workflowId}.sws${this.#step}`);
        if (!this.#targets.includes(workflowId)) this.#targets.push(workflowId);
        this.#stats.signalsSent++;
        const payload: SignalPayload = { sid };
        return this.#track(
          `signalWithStart ${workflowId} ${name} ${sid}`,
          () => engine.signalWithStart(flow, input, name, payload, { workflowId }),
          [],
          () => this.#ackSignal(sid, workflowId),
        );
      }
      case 'signal': {
        if (target === undefined) return;
        const name = this.#actions.pick(SIGNAL_NAMES);
        const sid = `s${this.#seed}.${this.#step}`;
        this.#stats.signalsSent++;
        const payload: SignalPayload = { sid };
        return this.#track(
          `signal ${target} ${name} ${sid}`,
          () => engine.signal(target, name, payload),
          GONE,
          () => this.#ackSignal(sid, target),
        );
      }
      case 'query': {
        if (target === undefined) return;
        const name = this.#actions.chance(0.9) ? 'state' : 'nope';
        this.#stats.queries++;
        return this.#track(`query ${target} ${name}`, () => engine.query(target, name), [
          ...GONE,
          'QUERY_NOT_FOUND',
        ]);
      }
      case 'cancel':
        if (target === undefined) return;
        this.#stats.cancels++;
        return this.#track(`cancel ${target}`, () => engine.cancel(target, 'sim'), GONE);
      case 'terminate':
        if (target === undefined) return;
        this.#stats.terminations++;
        return this.#track(`terminate ${target}`, () => engine.terminate(target, 'sim'), GONE);
      case 'time':
        return this.#jump();
      case 'idle':
        return this.#pump(this.#actions.between(10, 60));
      case 'crash':
        return this.#crash();
      case 'reopen':
        return this.#reopen();
    }
  }

  #ackSignal(sid: string, workflowId: string): void {
    this.#acked.set(sid, workflowId);
    this.#stats.signalsAcked++;
  }

  async #jump(): Promise<void> {
    const jump = drawTimeJump(this.#actions);
    const now = this.#clock.now();
    const next = this.#clock.nextDeadline();
    const to =
      jump === 'next'
        ? Math.max(now, next ?? now)
        : now + this.#actions.between(0, { tiny: 50, small: 3_000, large: 600_000 }[jump]);
    this.#trace.add(`#${this.#step} time ${jump} +${to - now}`);
    await this.#advanceTo(to);
  }

  async #crash(): Promise<void> {
    // Often the engine is idle, waiting for time: wake it first, and let its
    // work pile up unacknowledged, so the crash finds commits in flight,
    // some of which the disk kept and some it lost.
    const next = this.#clock.nextDeadline();
    if (next !== undefined && this.#crashes.chance(0.6)) {
      await this.#advanceTo(Math.max(next, this.#clock.now()));
    }
    for (let i = this.#crashes.between(0, 8); i > 0; i--) await nextTurn();
    const incarnation = this.#incarnation as Incarnation;
    incarnation.kill();
    this.#incarnation = undefined;
    const survivors = this.#crashes.int(this.#model.queued + 1);
    const { kept, lost } = this.#model.crash(survivors);
    this.#stats.crashes++;
    this.#trace.add(`#${this.#step} crash kept ${kept} lost ${lost}`);
    const { problems } = await checkStore(this.#model.durableStore);
    for (const problem of problems) this.#problem(`after crash: ${problem}`);
    this.#incarnation = await Incarnation.open(this.#setup);
  }

  /** A clean restart: `close()` lets in-flight appends flush, then a new engine opens. */
  async #reopen(): Promise<void> {
    const incarnation = this.#incarnation as Incarnation;
    // Calls still in flight may fail with ENGINE_CLOSED: no longer checked.
    this.#incarnation = undefined;
    this.#stats.reopens++;
    this.#trace.add(`#${this.#step} reopen`);
    this.#ackAll = true;
    try {
      await incarnation.close((promise, what) => this.#drive(promise, what));
      this.#model.ack();
      await this.#model.closeIncarnation();
    } finally {
      this.#ackAll = false;
    }
    this.#incarnation = await Incarnation.open(this.#setup);
  }

  // ---- invariants ----

  async #checkStep(): Promise<void> {
    for (const fault of this.#model.modelFaults.splice(0)) this.#problem(fault);
    if (this.#incarnation === undefined || process.env.SIM_NO_STEP_CHECK !== undefined) return;
    const { problems } = await checkStore(this.#incarnation.store);
    for (const problem of problems) this.#problem(`step ${this.#step}: ${problem}`);
  }

  async #finish(): Promise<void> {
    this.#ackAll = true;
    this.#trace.add('settle');
    const horizon = this.#clock.now() + 40 * 86_400_000;
    for (let rounds = 0; ; rounds++) {
      if (rounds > 5_000) throw new Error('the final settling did not end');
      await this.#idle();
      const next = this.#clock.nextDeadline();
      if (next === undefined || next > horizon) break;
      await this.#advanceTo(Math.max(next, this.#clock.now()));
    }
    const incarnation = this.#incarnation as Incarnation;
    const found = await finalChecks({
      engine: incarnation.engine,
      store: incarnation.store,
      model: this.#model,
      world: this.#world,
      definitions: this.#defs,
      outcomes: this.#outcomes,
      acked: this.#acked,
      now: this.#clock.now(),
      drive: (promise, what) => this.#drive(promise, what),
      idle: () => this.#idle(),
      events: () => this.#events,
    });
    for (const problem of found.problems) this.#problem(problem);
    if (this.#dump) this.#dumped = dumpSnapshot(found.snapshot);
    Object.assign(this.#stats, {
      runs: found.runs,
      ended: found.ended,
      signalsLost: found.signalsLost,
      replays: found.replays,
    });
    this.#trace.add(`end runs ${found.runs} ended ${found.ended}`);
    await incarnation.close((promise, what) => this.#drive(promise, what));
    await this.#model.closeIncarnation();
  }
}

/** The `code` of an AionError, or a marker for anything else. */
function codeOf(error: unknown): string {
  if (!(error instanceof AionError)) return `not an AionError (${String(error)})`;
  // A run suspended under a caller that had just woken it is still running:
  // refusing the call then is no "not running".
  if (error.message === 'the run was suspended') return `${error.code} (suspended)`;
  return error.code;
}
