import { ErrorCode, InvalidArgumentError, StoreError, systemClock } from '../core/index.js';
import type { Clock, HistoryEvent } from '../core/index.js';
import type {
  AdmissionRelease,
  CommitResult,
  CorruptionListener,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from '../store/index.js';

/** A disk fault a {@link FaultInjectingStore} can inject into writes. */
export type DiskFault = 'EIO' | 'ENOSPC';

/** Options of {@link FaultInjectingStore.fail}. */
export interface FailOptions {
  /**
   * How many writes fail before the fault clears by itself.
   * @default every write until {@link FaultInjectingStore.clear}
   */
  readonly writes?: number;
}

/** Options of {@link FaultInjectingStore}. */
export interface FaultInjectingStoreOptions {
  /**
   * The clock that slow writes wait on; pass the engine's virtual clock in
   * tests on virtual time.
   * @default the system clock
   */
  readonly clock?: Clock;
}

/** Counters of a {@link FaultInjectingStore}. */
export interface FaultStats {
  /** Commits that reached the wrapped store and were acknowledged by it. */
  readonly commits: number;
  /** Commits failed by an injected fault (nothing of them was written). */
  readonly failedCommits: number;
  /** Commits held back by a slow-write delay. */
  readonly delayedCommits: number;
}

const SYSTEM_ERRORS: Readonly<Record<DiskFault, { errno: number; message: string }>> = {
  EIO: { errno: -5, message: 'EIO: i/o error, write' },
  ENOSPC: { errno: -28, message: 'ENOSPC: no space left on device, write' },
};

const noRelease: AdmissionRelease = () => undefined;

/** The error Node's fs raises for the fault, as a LevelDB binding would pass it on. */
function systemError(fault: DiskFault): Error {
  const { errno, message } = SYSTEM_ERRORS[fault];
  return Object.assign(new Error(message), { code: fault, errno, syscall: 'write' });
}

/**
 * An {@link EventStore} that wraps any store and injects disk faults into its
 * writes, switchable at runtime: write errors (`EIO`), a full disk
 * (`ENOSPC`) and slow fsync (each commit is acknowledged `ms` later). Reads
 * always go to the wrapped store. Use it to test how an application behaves
 * when the disk fails under the engine.
 *
 * A failed commit rejects with `StoreError` `STORE_WRITE_FAILED` whose
 * `cause` is an `Error` shaped like Node's (`code: 'ENOSPC'`, `errno`,
 * `syscall`), and nothing of it reaches the wrapped store, exactly as a
 * failed LevelDB batch leaves nothing behind. A slow commit reaches the
 * wrapped store only when its delay has passed, and is acknowledged after
 * that: nothing is visible or acknowledged before it is "durable". A fault
 * switched on while a slow commit waits fails that commit, as a failing
 * fsync would.
 *
 * @example
 * ```ts
 * const store = new FaultInjectingStore(new MemoryStore());
 * const engine = await Engine.open({ store, workflows: [order] });
 * store.fail('ENOSPC');          // every write fails from now on
 * await engine.start(order, 1);  // rejects: STORE_WRITE_FAILED, cause.code 'ENOSPC'
 * store.clear();                 // the disk has room again
 * store.fail('EIO', { writes: 3 }); // the next three writes fail
 * store.slow(200);               // every commit takes 200 ms longer
 * ```
 */
export class FaultInjectingStore implements EventStore {
  /** The wrapped store. */
  readonly inner: EventStore;
  readonly #clock: Clock;
  #fault: DiskFault | undefined;
  #remaining = Number.POSITIVE_INFINITY;
  #delayMs = 0;
  readonly #stats = { commits: 0, failedCommits: 0, delayedCommits: 0 };

  /**
   * @param inner the store to wrap; the wrapper closes it on `close()`.
   */
  constructor(inner: EventStore, options: FaultInjectingStoreOptions = {}) {
    this.inner = inner;
    this.#clock = options.clock ?? systemClock();
  }

  /** The fault currently injected into writes, if any. */
  get fault(): DiskFault | undefined {
    return this.#fault;
  }

  /**
   * Makes writes fail with `fault` from now on: every write until
   * {@link clear}, or the next `options.writes` writes.
   *
   * @throws InvalidArgumentError for an unknown fault or a bad count.
   */
  fail(fault: DiskFault, options: FailOptions = {}): void {
    if (!(fault in SYSTEM_ERRORS))
      throw new InvalidArgumentError(`unknown disk fault '${String(fault)}'`);
    const writes = options.writes ?? Number.POSITIVE_INFINITY;
    if (!(writes >= 1) || (Number.isFinite(writes) && !Number.isInteger(writes))) {
      throw new InvalidArgumentError('writes must be an integer >= 1');
    }
    this.#fault = fault;
    this.#remaining = writes;
  }

  /**
   * Delays every commit by `ms` (of the wrapper's clock) before it reaches
   * the wrapped store: a slow fsync. `slow(0)` ends it.
   *
   * @throws InvalidArgumentError for a negative or non-finite delay.
   */
  slow(ms: number): void {
    if (!(ms >= 0) || !Number.isFinite(ms))
      throw new InvalidArgumentError('ms must be a finite number >= 0');
    this.#delayMs = ms;
  }

  /** Ends every injected fault and delay: the disk is healthy again. */
  clear(): void {
    this.#fault = undefined;
    this.#remaining = Number.POSITIVE_INFINITY;
    this.#delayMs = 0;
  }

  /** Counters of commits acknowledged, failed by a fault, and delayed. */
  stats(): FaultStats {
    return { ...this.#stats };
  }

  async commit(appends: readonly RunAppend[]): Promise<CommitResult> {
    if (this.#delayMs > 0) {
      this.#stats.delayedCommits++;
      const at = this.#clock.now() + this.#delayMs;
      await new Promise<void>((resolve) => this.#clock.schedule(at, resolve));
    }
    this.#inject();
    const result = await this.inner.commit(appends);
    this.#stats.commits++;
    return result;
  }

  /** Fails this write if a fault is on, counting it against `writes`. */
  #inject(): void {
    const fault = this.#fault;
    if (fault === undefined) return;
    this.#remaining--;
    if (this.#remaining <= 0) {
      this.#fault = undefined;
      this.#remaining = Number.POSITIVE_INFINITY;
    }
    this.#stats.failedCommits++;
    throw new StoreError(
      ErrorCode.STORE_WRITE_FAILED,
      `the store could not write the commit (${fault}); nothing of it was written`,
      { cause: systemError(fault) },
    );
  }

  /** The wrapped store's backpressure, when it has any (writes wait for room there). */
  admit(): Promise<AdmissionRelease> {
    return this.inner.admit?.() ?? Promise.resolve(noRelease);
  }

  readHistory(
    workflowId: string,
    runId: string,
    fromSeq?: number,
    toSeq?: number,
  ): Promise<HistoryEvent[]> {
    return this.inner.readHistory(workflowId, runId, fromSeq, toSeq);
  }

  getRun(workflowId: string, runId: string): Promise<RunSummary | undefined> {
    return this.inner.getRun(workflowId, runId);
  }

  getLatestRunId(workflowId: string): Promise<string | undefined> {
    return this.inner.getLatestRunId(workflowId);
  }

  listNonTerminal(onCorrupt?: CorruptionListener): Promise<RunSummary[]> {
    return this.inner.listNonTerminal(onCorrupt);
  }

  dueTimers(
    upTo: number,
    limit?: number,
    after?: TimerEntry,
    onCorrupt?: CorruptionListener,
  ): Promise<TimerEntry[]> {
    return this.inner.dueTimers(upTo, limit, after, onCorrupt);
  }

  nextTimers(limit: number, onCorrupt?: CorruptionListener): Promise<TimerEntry[]> {
    return this.inner.nextTimers(limit, onCorrupt);
  }

  listRuns(filter?: ListFilter, onCorrupt?: CorruptionListener): Promise<ListPage> {
    return this.inner.listRuns(filter, onCorrupt);
  }

  /** Closes the wrapped store. */
  close(): Promise<void> {
    return this.inner.close();
  }
}
