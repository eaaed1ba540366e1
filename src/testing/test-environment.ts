import { Engine, InvalidArgumentError, parseDuration, virtualClock } from '../index.js';
import type {
  ActivityDefinition,
  Clock,
  Duration,
  EngineOptions,
  EventStore,
  TreeNode,
  VirtualClock,
  WorkflowDefinition,
} from '../index.js';
import { MemoryStore } from '../store/index.js';
import type { MemoryStoreData } from '../store/index.js';
import { clockPort } from './clock-port.js';
import type { ClockPort } from './clock-port.js';

/** Options of {@link TestEnvironment.create}. */
export interface TestEnvironmentOptions {
  readonly workflows?: readonly WorkflowDefinition[];
  readonly activities?: readonly ActivityDefinition[];
  /** Virtual start time, epoch ms. @default 2024-01-01T00:00:00Z */
  readonly startTime?: number;
  /** Passed through to `Engine.open` (store and clock are the environment's). */
  readonly engine?: Omit<EngineOptions, 'store' | 'clock' | 'workflows' | 'activities'>;
  /**
   * How many idle turns the environment waits before it skips time: a turn
   * is one macrotask in which no event was recorded. @default 3
   */
  readonly idleTurns?: number;
  /**
   * Wraps each incarnation's in-memory store before the engine opens on it,
   * for instance in a {@link FaultInjectingStore} to inject disk faults
   * (pass it `clock`, the incarnation's view of the virtual clock, for its
   * slow writes). Called again for the new store after {@link TestEnvironment.crash}.
   * @default no wrapper
   */
  readonly wrapStore?: (store: MemoryStore, clock: Clock) => EventStore;
}

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * A workflow engine for tests: an in-memory store, a virtual clock and time
 * skipping. When nothing is left to do but wait for a timer, time jumps to
 * the next deadline, so a 30-day saga finishes in milliseconds. It needs no
 * network, binary or server, and runs under plain vitest.
 *
 * @example
 * ```ts
 * const env = await TestEnvironment.create({ workflows: [reminder], activities: [notify] });
 * const handle = await env.engine.start(reminder, { days: 30 });
 * expect(await env.result(handle)).toBe(30);
 * await env.close();
 * ```
 */
export class TestEnvironment {
  /** The virtual clock; read `clock.now()` for the current virtual time. */
  readonly clock: VirtualClock;
  readonly #options: TestEnvironmentOptions;
  readonly #data: MemoryStoreData;
  #store: MemoryStore;
  #port: ClockPort;
  #engine: Engine;
  #events = 0;

  private constructor(
    options: TestEnvironmentOptions,
    clock: VirtualClock,
    data: MemoryStoreData,
    store: MemoryStore,
    port: ClockPort,
    engine: Engine,
  ) {
    this.#options = options;
    this.clock = clock;
    this.#data = data;
    this.#store = store;
    this.#port = port;
    this.#engine = engine;
    this.#watch();
  }

  /** Opens an engine on a fresh in-memory store and a virtual clock. */
  static async create(options: TestEnvironmentOptions = {}): Promise<TestEnvironment> {
    const turns = options.idleTurns ?? 3;
    if (!Number.isInteger(turns) || turns < 1) {
      throw new InvalidArgumentError('idleTurns must be an integer >= 1');
    }
    if (options.wrapStore !== undefined && typeof options.wrapStore !== 'function') {
      throw new InvalidArgumentError('wrapStore must be a function');
    }
    const clock = virtualClock(options.startTime ?? Date.UTC(2024, 0, 1));
    const store = new MemoryStore();
    const port = clockPort(clock);
    const engine = await TestEnvironment.#open(options, store, port);
    return new TestEnvironment(options, clock, store.data, store, port, engine);
  }

  static #open(
    options: TestEnvironmentOptions,
    store: MemoryStore,
    clock: ClockPort,
  ): Promise<Engine> {
    return Engine.open({
      ...options.engine,
      store: options.wrapStore === undefined ? store : options.wrapStore(store, clock),
      clock,
      workflows: options.workflows ?? [],
      activities: options.activities ?? [],
    });
  }

  /** The engine of the current incarnation (it changes after {@link crash}). */
  get engine(): Engine {
    return this.#engine;
  }

  /** The in-memory store of the current incarnation. */
  get store(): MemoryStore {
    return this.#store;
  }

  #watch(): void {
    this.#engine.events$.subscribe(() => {
      this.#events++;
    });
  }

  /**
   * Resolves once the engine recorded nothing for `idleTurns` macrotasks and
   * no run is still loading: a run replaying a long history records nothing
   * for as many turns as it has completions to deliver, yet is not idle.
   */
  async idle(): Promise<void> {
    const turns = this.#options.idleTurns ?? 3;
    let quiet = 0;
    let seen = this.#events;
    while (quiet < turns) {
      await nextTurn();
      if (this.#events === seen && !this.#loading()) quiet++;
      else {
        quiet = 0;
        seen = this.#events;
      }
    }
  }

  /** True while some resident run is reading or replaying its history. */
  #loading(): boolean {
    const pending: TreeNode[] = [this.#engine.tree()];
    for (let node = pending.pop(); node !== undefined; node = pending.pop()) {
      if (node.kind === 'run' && node.phase === 'loading') return true;
      pending.push(...node.children);
    }
    return false;
  }

  /**
   * Waits for `promise`, skipping virtual time whenever the engine is idle.
   *
   * @throws Error when the engine is idle with no timer left and `promise`
   * is still pending: it waits for something no one will send.
   */
  async settle<T>(promise: Promise<T>): Promise<T> {
    let done = false;
    const watched = promise.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    while (!done) {
      await this.idle();
      if (done) break;
      const next = this.clock.nextDeadline();
      if (next === undefined) {
        throw new Error(
          'the engine is idle, no timer is pending and the awaited promise is still pending',
        );
      }
      this.clock.advanceTo(Math.max(next, this.clock.now()));
    }
    return watched;
  }

  /** `handle.result()` with time skipping. */
  result<O>(handle: { result(): Promise<O> }): Promise<O> {
    return this.settle(handle.result());
  }

  /** Moves virtual time forward by `duration`, letting the engine react to every timer on the way. */
  async skip(duration: Duration): Promise<void> {
    const target = this.clock.now() + parseDuration(duration);
    for (;;) {
      await this.idle();
      const next = this.clock.nextDeadline();
      if (next === undefined || next > target) break;
      this.clock.advanceTo(Math.max(next, this.clock.now()));
    }
    this.clock.advanceTo(target);
    await this.idle();
  }

  /**
   * Simulates a crash of the whole process: the engine is dropped without
   * `close()`, keeping only what the store acknowledged; its timers die with
   * it; a new engine opens on the same data and recovers.
   */
  async crash(): Promise<Engine> {
    const old = this.#engine;
    this.#port.detach();
    // Closing the store first makes every later write of the dead engine fail,
    // so nothing it still had in flight can land.
    await this.#store.close();
    await old.close().catch(() => undefined);
    this.#store = new MemoryStore({ data: this.#data });
    this.#port = clockPort(this.clock);
    this.#engine = await TestEnvironment.#open(this.#options, this.#store, this.#port);
    this.#watch();
    return this.#engine;
  }

  /** Closes the engine and the store. */
  async close(): Promise<void> {
    await this.#engine.close();
    this.#port.detach();
    await this.#store.close();
  }
}
