import type { Subscription } from 'rxjs';
import { monotonicFactory } from 'ulid';
import { Engine } from '../../src/index.js';
import type {
  EngineOptions,
  HistoryEvent,
  OutcomeNotice,
  SupervisionEvent,
  VirtualClock,
} from '../../src/index.js';
import { clockPort } from '../../src/testing/index.js';
import type { ClockPort } from '../../src/testing/index.js';
import type { CrashableStore, DurabilityModel } from './durable-store.js';
import type { Prng } from './prng.js';
import type { SimDefinitions } from './sim-definitions.js';
import type { SimWorld } from './sim-world.js';

/** What the simulator watches on each engine. */
export interface IncarnationWatchers {
  onEvent(event: HistoryEvent): void;
  onOutcome(notice: OutcomeNotice): void;
  onSupervision(event: SupervisionEvent): void;
}

/** What it takes to open an engine incarnation. */
export interface IncarnationSetup {
  readonly model: DurabilityModel;
  readonly clock: VirtualClock;
  readonly world: SimWorld;
  readonly definitions: SimDefinitions;
  /** The seeded stream run ids are drawn from; each incarnation draws on from where the last stopped. */
  readonly idStream: Prng;
  readonly engineOptions: Pick<EngineOptions, 'idleTimeout' | 'maxResidentRuns'>;
  readonly watchers: IncarnationWatchers;
  /** Waits for a promise while letting the engine run (the simulator's pump). */
  drive<T>(promise: Promise<T>, what: string): Promise<T>;
}

/**
 * One process lifetime of the engine: its store, its door to the virtual
 * clock and the simulator's subscriptions. {@link kill} drops it the way
 * `kill -9` does: no `close()`, timers gone, the store frozen by the model.
 */
export class Incarnation {
  readonly number: number;
  readonly engine: Engine;
  readonly store: CrashableStore;
  readonly #port: ClockPort;
  readonly #subscriptions: Subscription[];

  private constructor(number: number, engine: Engine, store: CrashableStore, port: ClockPort) {
    this.number = number;
    this.engine = engine;
    this.store = store;
    this.#port = port;
    this.#subscriptions = [];
  }

  /** Opens an engine on the durable state, as a restarted process does, and recovers. */
  static async open(setup: IncarnationSetup): Promise<Incarnation> {
    const { model, world, definitions } = setup;
    const store = model.open();
    const port = clockPort(setup.clock);
    world.clock = port;
    world.incarnation++;
    const engine = await setup.drive(
      Engine.open({
        ...setup.engineOptions,
        store,
        clock: port,
        workflows: definitions.workflows,
        activities: definitions.activities,
        ids: monotonicFactory(() => setup.idStream.next()),
      }),
      'Engine.open',
    );
    // Streams hold what recovery publishes until the turn after `open`
    // resolves: subscribing now misses nothing.
    const incarnation = new Incarnation(world.incarnation, engine, store, port);
    const { watchers } = setup;
    incarnation.#subscriptions.push(
      engine.events$.subscribe((event) => watchers.onEvent(event)),
      engine.outcomes$.subscribe((notice) => watchers.onOutcome(notice)),
      engine.supervision$.subscribe((event) => watchers.onSupervision(event)),
    );
    return incarnation;
  }

  /** Drops the engine without `close()`: nothing of it runs or reports again. */
  kill(): void {
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#port.detach();
  }

  /** Closes the engine cleanly (the end of a simulation). */
  async close(drive: IncarnationSetup['drive']): Promise<void> {
    await drive(this.engine.close(), 'engine.close');
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
    this.#port.detach();
  }
}
