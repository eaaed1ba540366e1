import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  InvalidArgumentError,
  parseDuration,
  systemClock,
} from '../core/index.js';
import type { Clock, Duration, IdFactory } from '../core/index.js';
import type { Durability, EventStore } from '../store/index.js';
import type { ActivityDefinition, WorkflowDefinition } from '../workflow/index.js';
import type { NondeterminismPolicy } from './engine-core.js';

/** Options of `Engine.open`. */
export interface EngineOptions {
  /**
   * A directory path (opens the embedded LevelStore there) or an
   * {@link EventStore} instance (the engine does not close a store it was given).
   * @default './.aion'
   */
  readonly store?: string | EventStore;
  /** Workflow definitions this engine runs. @default [] */
  readonly workflows?: readonly WorkflowDefinition[];
  /** Activity definitions this engine runs. @default [] */
  readonly activities?: readonly ActivityDefinition[];
  /** For a store path: `'sync'` fsyncs before acknowledging. @default 'sync' */
  readonly durability?: Durability;
  /** Time source; tests pass a virtual clock. @default the system clock */
  readonly clock?: Clock;
  /**
   * Source of run ids and of default workflow ids. Called with the engine
   * clock's `now()`; must return ULIDs that increase with each call (a run's
   * id orders it among its workflow's runs). Tests that must reproduce a run
   * byte for byte pass a seeded factory, e.g. `monotonicFactory(prng)` from
   * `ulid`.
   * @default monotonic ULIDs over crypto randomness
   */
  readonly ids?: (seedTime?: number) => string;
  /** What replay does on nondeterminism. @default 'block' */
  readonly onNondeterminism?: NondeterminismPolicy;
  /** Largest encoded payload (inputs, results, signals). @default 2 MiB */
  readonly maxPayloadBytes?: number;
  /** Crash restarts allowed per run inside `withinMs` before `CRASH_LOOP`. @default { maxRestarts: 3, withinMs: 60000 } */
  readonly runIntensity?: { readonly maxRestarts: number; readonly withinMs: number };
  /** A waiting run with nothing in flight is suspended after this long. @default '30s' */
  readonly idleTimeout?: Duration;
  /** Past this many resident runs the least recently active idle ones are suspended. @default 10000 */
  readonly maxResidentRuns?: number;
  /** Backoff between restarts of a crashed run. @default { initialMs: 100, maxMs: 5000, factor: 2 } */
  readonly runBackoff?: {
    readonly initialMs: number;
    readonly maxMs: number;
    readonly factor: number;
  };
}

/** Options after validation and defaults. */
export interface ResolvedEngineOptions {
  readonly store: string | EventStore;
  readonly workflows: readonly WorkflowDefinition[];
  readonly activities: readonly ActivityDefinition[];
  readonly durability: Durability;
  readonly clock: Clock;
  readonly ids: IdFactory | undefined;
  readonly onNondeterminism: NondeterminismPolicy;
  readonly maxPayloadBytes: number;
  readonly runIntensity: { readonly maxRestarts: number; readonly withinMs: number };
  readonly runBackoff: {
    readonly initialMs: number;
    readonly maxMs: number;
    readonly factor: number;
  };
  readonly idleTimeoutMs: number;
  readonly maxResidentRuns: number;
}

function count(value: unknown, what: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new InvalidArgumentError(`${what} must be a finite number >= ${min}`, {
      details: { value },
    });
  }
  return value;
}

/**
 * Validates `Engine.open` options once and fills in the defaults.
 *
 * @throws InvalidArgumentError naming the first bad option.
 */
export function resolveEngineOptions(options: EngineOptions = {}): ResolvedEngineOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('Engine.open needs an options object');
  }
  const store = options.store ?? './.aion';
  if (typeof store === 'string' ? store.length === 0 : typeof store?.commit !== 'function') {
    throw new InvalidArgumentError('store must be a directory path or an EventStore');
  }
  const durability = options.durability ?? 'sync';
  if (durability !== 'sync' && durability !== 'relaxed') {
    throw new InvalidArgumentError(`durability must be 'sync' or 'relaxed'`);
  }
  const onNondeterminism = options.onNondeterminism ?? 'block';
  if (onNondeterminism !== 'block' && onNondeterminism !== 'fail') {
    throw new InvalidArgumentError(`onNondeterminism must be 'block' or 'fail'`);
  }
  const workflows = options.workflows ?? [];
  const activities = options.activities ?? [];
  if (!Array.isArray(workflows) || !Array.isArray(activities)) {
    throw new InvalidArgumentError('workflows and activities must be arrays of definitions');
  }
  if (options.ids !== undefined && typeof options.ids !== 'function') {
    throw new InvalidArgumentError('ids must be a function that returns a new ULID');
  }
  const clock = options.clock ?? systemClock();
  if (typeof clock?.now !== 'function' || typeof clock.schedule !== 'function') {
    throw new InvalidArgumentError('clock must have now() and schedule()');
  }
  const intensity = options.runIntensity ?? { maxRestarts: 3, withinMs: 60_000 };
  const backoff = options.runBackoff ?? { initialMs: 100, maxMs: 5_000, factor: 2 };
  const maxResidentRuns = count(options.maxResidentRuns ?? 10_000, 'maxResidentRuns', 1);
  const initialMs = count(backoff.initialMs, 'runBackoff.initialMs', 0);
  if (!Number.isInteger(maxResidentRuns)) {
    throw new InvalidArgumentError('maxResidentRuns must be an integer');
  }
  return {
    idleTimeoutMs: parseDuration(options.idleTimeout ?? '30s', 'idleTimeout'),
    maxResidentRuns,
    store,
    workflows,
    activities,
    durability,
    clock,
    ids: options.ids,
    onNondeterminism,
    maxPayloadBytes: count(
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
      'maxPayloadBytes',
      1,
    ),
    runIntensity: {
      maxRestarts: count(intensity.maxRestarts, 'runIntensity.maxRestarts', 0),
      withinMs: count(intensity.withinMs, 'runIntensity.withinMs', 1),
    },
    runBackoff: {
      initialMs,
      maxMs: count(backoff.maxMs, 'runBackoff.maxMs', initialMs),
      factor: count(backoff.factor, 'runBackoff.factor', 1),
    },
  };
}
