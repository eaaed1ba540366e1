import type { Clock, HistoryEvent, IdFactory } from '../core/index.js';
import type { EventStore, RunAppend, TimerEntry } from '../store/index.js';
import type { TimerService } from '../timers/index.js';
import type { Registry } from './registry.js';
import type { RunHost } from './run-host.js';
import type { StoreHealth } from './store-health.js';

/** What to do when replay finds nondeterminism. */
export type NondeterminismPolicy = 'block' | 'fail';

/**
 * The engine-wide services a resident run uses. The engine implements it;
 * run hosts see nothing else of the engine.
 */
export interface EngineCore {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly registry: Registry;
  readonly timers: TimerService;
  readonly newRunId: IdFactory;
  readonly maxPayloadBytes: number;
  readonly onNondeterminism: NondeterminismPolicy;
  /** Whether the store can be written; runs' appends pass through it. */
  readonly storeHealth: StoreHealth;
  /** Events of a run (and appends of other runs in the same batch) became durable. */
  published(
    workflowType: string,
    events: readonly HistoryEvent[],
    extra: readonly RunAppend[],
  ): void;
  /** A timer entry left the index (fired or cancelled). */
  timerReleased(entry: TimerEntry): void;
  /**
   * A run's terminal event is durable: it stops being resident, its parent
   * learns the outcome, and its own children follow their close policy.
   */
  runEnded(host: RunHost, terminal: HistoryEvent): void;
  /** The running run of a workflow id, as far as durable events tell. */
  runningRunId(workflowId: string): string | undefined;
  /** The run recorded something: it is the most recently active (residency). */
  touched(host: RunHost): void;
  /** Delivers a recorded `SignalSent` to its target (at most once). */
  sendSignal(targetWorkflowId: string, name: string, payload: unknown): void;
  /** Requests cancellation of a child's latest run (cancellation of its parent). */
  cancelChild(childWorkflowId: string): void;
  /** A child was loaded: apply its ended parent's close policy if no one did. */
  adoptOrphan(host: RunHost): void;
  /** The terminal event of a child's chain of runs, or `undefined` while it runs. */
  childOutcome(childWorkflowId: string, childRunId: string): Promise<HistoryEvent | undefined>;
  /**
   * Replaces the run's actor with a new one that rebuilds the run from its
   * history: a store fault lost some of its events. Not a crash: it counts
   * against no restart intensity.
   */
  rehost(host: RunHost): void;
  /** The run's actor must stop now (termination). */
  stopRunActor(workflowId: string, runId: string): void;
  /** True once the engine is closing: hosts stop recording. */
  isClosing(): boolean;
  /** The run is blocked (nondeterminism, unknown type); report it. */
  runBlocked(workflowId: string, runId: string, error: Error): void;
  /**
   * The run's stored records are damaged (`STORE_CORRUPT` while loading
   * its history): block it, take it out of memory and report it.
   */
  runCorrupt(host: RunHost, error: Error): void;
  /** Yields to pending microtasks (replay pacing). */
  yieldToMicrotasks(): Promise<void>;
}
