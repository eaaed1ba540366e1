import { AionError, ErrorCode } from '../core/index.js';
import type { Clock, HistoryEvent, RunRef } from '../core/index.js';
import type { EventStore, RunSummary } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { EngineCore } from './engine-core.js';
import type { Registry } from './registry.js';
import { Residency } from './residency.js';
import { RunHost } from './run-host.js';
import type { RunHosting } from './run-hosting.js';
import { isStoreCorrupt } from './store-corruption.js';

/** Options of {@link ResidentRuns}. */
export interface ResidentRunsOptions {
  readonly store: EventStore;
  readonly registry: Registry;
  readonly hosting: RunHosting;
  readonly clock: Clock;
  readonly core: () => EngineCore;
  readonly idleTimeoutMs: number;
  readonly maxResidentRuns: number;
}

const key = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`;

/**
 * The engine's runs in memory (SPEC section 8, Residency). A resident run
 * has a {@link RunHost} and a run actor; a suspended one has nothing here at
 * all — its history, timers and summary live in the store — so memory grows
 * with resident runs, not stored runs. A wake-up (signal, due timer, child
 * outcome, query, cancellation) rehydrates a suspended run by replay, at
 * most once however many wake-ups arrive together.
 */
export class ResidentRuns {
  readonly #options: ResidentRunsOptions;
  readonly #hosts = new Map<string, RunHost>();
  readonly #blocked = new Map<string, Error>();
  readonly #waking = new Map<string, Promise<RunHost | undefined>>();
  /**
   * Runs {@link wake} handed out this turn. Their callers use them a few
   * microtasks later (record a signal, a child's outcome, a due timer): a
   * run suspended in between would refuse what it was woken for.
   */
  readonly #handedOut = new Set<string>();
  readonly #residency: Residency;

  constructor(options: ResidentRunsOptions) {
    this.#options = options;
    this.#residency = new Residency({
      clock: options.clock,
      idleTimeoutMs: options.idleTimeoutMs,
      maxResidentRuns: options.maxResidentRuns,
      canSuspend: (k) => !this.#handedOut.has(k) && (this.#hosts.get(k)?.quiescent ?? false),
      suspend: (k) => this.#suspend(k),
    });
  }

  /** How many runs are resident. */
  get size(): number {
    return this.#hosts.size;
  }

  /** What this holds per run, for `engine.stats()` and leak checks. */
  counts(): { resident: number; waking: number; blocked: number; byRecency: number } {
    return {
      resident: this.#hosts.size,
      waking: this.#waking.size,
      blocked: this.#blocked.size,
      byRecency: this.#residency.size,
    };
  }

  /** The resident host of a run, if any. */
  get(workflowId: string, runId: string): RunHost | undefined {
    return this.#hosts.get(key(workflowId, runId));
  }

  /** Why a run cannot progress (unregistered type, damaged records), if it cannot. */
  blockedError(workflowId: string, runId: string): Error | undefined {
    return this.#blocked.get(key(workflowId, runId));
  }

  /** Every resident host. */
  values(): IterableIterator<RunHost> {
    return this.#hosts.values();
  }

  /** Makes a run resident: a host and a run actor under the supervision tree. */
  host(
    def: WorkflowDefinition,
    ref: { workflowId: string; runId: string },
    head: number,
    history?: HistoryEvent[],
  ): RunHost {
    const k = key(ref.workflowId, ref.runId);
    // Already resident: a call read the run's start from the store before
    // the commit carrying it was acknowledged, and woke it. One host, one
    // writer per run.
    const resident = this.#hosts.get(k);
    if (resident !== undefined) return resident;
    const host = new RunHost(this.#options.core(), def, ref, head, history);
    this.#hosts.set(k, host);
    this.#options.hosting.spawn(host);
    this.#residency.touch(k);
    return host;
  }

  /**
   * Hosts a stored non-terminal run, or marks it blocked when its type is
   * not registered (reported, never failed, so deploying the code resumes it).
   */
  adopt(run: RunSummary): RunHost | undefined {
    const def = this.#options.registry.findWorkflow(run.workflowType);
    if (def !== undefined) return this.host(def, run, run.historyLength);
    const error = new AionError(
      ErrorCode.UNKNOWN_WORKFLOW_TYPE,
      `run of unregistered workflow type '${run.workflowType}' waits for its code to be deployed`,
      { details: { workflowType: run.workflowType } },
    );
    this.#blocked.set(key(run.workflowId, run.runId), error);
    this.#options.hosting.report({
      type: 'blocked',
      path: ['engine', 'workflows', run.workflowType, run.runId],
      error,
    });
    return undefined;
  }

  /**
   * Blocks a run whose stored records are damaged (`STORE_CORRUPT`): it
   * leaves memory, records nothing more, and every later wake-up, signal,
   * query, cancellation or termination is refused with that error, so
   * nothing is appended to a history that cannot be read back whole.
   * Reported on `supervision$`, never failed: restoring the store from a
   * backup and reopening resumes it.
   */
  block(run: RunRef, error: Error): void {
    const k = key(run.workflowId, run.runId);
    if (this.#blocked.has(k)) return;
    this.#blocked.set(k, error);
    const host = this.#hosts.get(k);
    if (host !== undefined) {
      host.detach();
      this.#hosts.delete(k);
      this.#residency.remove(k);
      this.#options.hosting.stop(run.workflowId, run.runId);
    }
    this.#options.hosting.report({
      type: 'blocked',
      path: [
        'engine',
        'workflows',
        ...(host === undefined ? [] : [host.definition.name]),
        run.runId,
      ],
      error,
    });
  }

  /**
   * The host of a run, rehydrating it when it is suspended; `undefined` when
   * the run is unknown, ended or blocked. A run whose summary turns out
   * damaged is blocked (see {@link block}) and the error rethrown.
   */
  wake(workflowId: string, runId: string): Promise<RunHost | undefined> {
    const k = key(workflowId, runId);
    const resident = this.#hosts.get(k);
    if (resident !== undefined) return Promise.resolve(this.#handOut(k, resident));
    const pending = this.#waking.get(k);
    if (pending !== undefined) return pending;
    // A blocked run stays where it is: no store read, nothing to host.
    if (this.#blocked.has(k)) return Promise.resolve(undefined);
    const waking = (async () => {
      try {
        const run = await this.#options.store.getRun(workflowId, runId).catch((error: unknown) => {
          if (isStoreCorrupt(error)) this.block({ workflowId, runId }, error);
          throw error;
        });
        if (run?.status !== 'running' || this.#blocked.has(k)) return undefined;
        const host = this.#hosts.get(k) ?? this.adopt(run);
        return host === undefined ? undefined : this.#handOut(k, host);
      } finally {
        this.#waking.delete(k);
      }
    })();
    this.#waking.set(k, waking);
    return waking;
  }

  #handOut(k: string, host: RunHost): RunHost {
    if (this.#handedOut.size === 0) setImmediate(() => this.#handedOut.clear());
    this.#handedOut.add(k);
    return host;
  }

  /** The run did something: it is the most recently active. */
  touched(host: RunHost): void {
    const k = key(host.workflowId, host.runId);
    if (this.#hosts.get(k) === host) this.#residency.touch(k);
  }

  /** The run ended: it leaves memory for good. */
  ended(host: RunHost): void {
    const k = key(host.workflowId, host.runId);
    if (this.#hosts.get(k) === host) this.#hosts.delete(k);
    this.#residency.remove(k);
  }

  #suspend(k: string): void {
    const host = this.#hosts.get(k);
    if (host === undefined) return;
    host.detach();
    this.#hosts.delete(k);
    this.#options.hosting.stop(host.workflowId, host.runId);
  }

  /** Stops suspending; the hosts stay for the engine to close. */
  stop(): void {
    this.#residency.stop();
  }
}
