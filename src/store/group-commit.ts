import { ErrorCode, StoreError } from '../core/index.js';
import type { CommitPlan } from './commit-plan.js';
import type { CommitResult } from './event-store.js';
import type { RunCache } from './run-cache.js';

/** A planned commit waiting for its batch. */
export interface QueuedCommit {
  readonly plan: CommitPlan;
  readonly events: number;
  readonly resolve: (result: CommitResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Counters of a group-committing store, for tests, benchmarks and operators. */
export interface GroupCommitStats {
  /** Batches written (durably, in `'sync'` mode). */
  batches: number;
  /** Commits acknowledged. */
  commits: number;
  /** Events acknowledged. */
  events: number;
  /** Batches whose write failed. */
  failedBatches: number;
  /** The most events one batch carried. */
  largestBatch: number;
  /** The most commits pending (queued or being written) at once. */
  peakPending: number;
}

/** Counters before anything was written. */
export function zeroGroupCommitStats(): GroupCommitStats {
  return {
    batches: 0,
    commits: 0,
    events: 0,
    failedBatches: 0,
    largestBatch: 0,
    peakPending: 0,
  };
}

/** Writes one batch of commits atomically and durably; rejects if it could not. */
export type BatchWriter = (commits: readonly QueuedCommit[]) => Promise<void>;

/**
 * The group-commit queue. Commits queue while a batch is being written; the
 * next batch takes them all, up to `maxBatchEvents` events (at least one
 * commit), so a batch's latency stays bounded.
 *
 * Batches are formed in a `setImmediate` callback, never synchronously:
 * callers resumed by a finished batch queue their next commit in microtasks,
 * and taking a batch before they did would send one commit alone and make
 * the rest wait a whole write behind it.
 *
 * One batch is in flight at a time: a run's commit in batch N+1 was checked
 * against a head that includes batch N, so N+1 is written only once N is
 * durable, and if N fails the queued commits that depend on its runs fail
 * too. (Handing LevelDB a second batch while one syncs was measured: LevelDB
 * syncs them one after the other anyway, so it only made batches smaller and
 * the store slower.)
 */
export class GroupCommitter {
  readonly #write: BatchWriter;
  readonly #cache: RunCache;
  readonly #maxBatchEvents: number;
  readonly #drained: () => void;
  #queue: QueuedCommit[] = [];
  #writing = false;
  #inFlight = 0;
  #scheduled = false;
  #idle: Array<() => void> = [];
  readonly stats: GroupCommitStats = zeroGroupCommitStats();

  /**
   * @param drained called after each batch was written or failed: the
   * queue shrank (backpressure admits waiting writers then).
   */
  constructor(
    write: BatchWriter,
    cache: RunCache,
    maxBatchEvents: number,
    drained: () => void = () => undefined,
  ) {
    this.#write = write;
    this.#cache = cache;
    this.#maxBatchEvents = maxBatchEvents;
    this.#drained = drained;
  }

  /** Commits waiting for a batch. */
  get queued(): number {
    return this.#queue.length;
  }

  /** Commits not yet durable: waiting for a batch or in the batch being written. */
  get pending(): number {
    return this.#queue.length + this.#inFlight;
  }

  /** Queues a planned commit whose heads are already reserved in the cache. */
  enqueue(commit: QueuedCommit): void {
    this.#queue.push(commit);
    const pending = this.pending;
    if (pending > this.stats.peakPending) this.stats.peakPending = pending;
    this.#schedule();
  }

  /** Resolves once every queued commit has been written or rejected. */
  whenIdle(): Promise<void> {
    if (!this.#writing && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#writing || this.#queue.length === 0) return;
    this.#scheduled = true;
    setImmediate(this.#pump);
  }

  readonly #pump = (): void => {
    this.#scheduled = false;
    if (this.#queue.length === 0) return;
    const batch = this.#take();
    this.#writing = true;
    this.#inFlight = batch.length;
    this.#write(batch).then(
      () => this.#finish(batch, true, undefined),
      (cause: unknown) => this.#finish(batch, false, cause),
    );
  };

  #take(): QueuedCommit[] {
    let events = 0;
    let n = 0;
    while (n < this.#queue.length) {
      const next = this.#queue[n] as QueuedCommit;
      if (n > 0 && events + next.events > this.#maxBatchEvents) break;
      events += next.events;
      n++;
    }
    return this.#queue.splice(0, n);
  }

  #finish(batch: readonly QueuedCommit[], written: boolean, cause: unknown): void {
    this.#writing = false;
    this.#inFlight = 0;
    if (written) this.#succeed(batch);
    else this.#fail(batch, cause);
    this.#schedule();
    if (!this.#writing && this.#queue.length === 0) {
      for (const resolve of this.#idle.splice(0)) resolve();
    }
    this.#drained();
  }

  #succeed(batch: readonly QueuedCommit[]): void {
    const stats = this.stats;
    let events = 0;
    for (const commit of batch) {
      this.#cache.settle(commit.plan.runs);
      events += commit.events;
    }
    stats.batches++;
    stats.commits += batch.length;
    stats.events += events;
    if (events > stats.largestBatch) stats.largestBatch = events;
    for (const commit of batch) {
      commit.resolve({ summaries: commit.plan.runs.map((run) => run.summary) });
    }
  }

  /**
   * Rejects the commits of a failed batch with `STORE_WRITE_FAILED`, and with
   * them every queued commit that touches one of their runs (transitively,
   * through multi-run commits): those were checked against heads that will
   * now never be written. Heads of the affected runs are rolled back.
   */
  #fail(batch: readonly QueuedCommit[], cause: unknown): void {
    this.stats.failedBatches++;
    const affected = new Set<string>();
    for (const commit of batch) {
      for (const run of commit.plan.runs) affected.add(run.key);
      this.#cache.release(commit.plan.runs);
    }
    const dependents: QueuedCommit[] = [];
    const survivors: QueuedCommit[] = [];
    for (const commit of this.#queue) {
      if (commit.plan.runs.some((run) => affected.has(run.key))) {
        for (const run of commit.plan.runs) affected.add(run.key);
        this.#cache.release(commit.plan.runs);
        dependents.push(commit);
      } else {
        survivors.push(commit);
      }
    }
    this.#queue = survivors;
    this.#cache.rollback(
      affected,
      survivors.map((commit) => commit.plan.runs),
    );
    const error = new StoreError(
      ErrorCode.STORE_WRITE_FAILED,
      `the store could not write a batch of ${batch.length} commits; nothing of it was written`,
      { cause },
    );
    for (const commit of batch) commit.reject(error);
    if (dependents.length === 0) return;
    const dependentError = new StoreError(
      ErrorCode.STORE_WRITE_FAILED,
      'the commit depended on a batch that failed to write; nothing of it was written',
      { cause, details: { dependent: true } },
    );
    for (const commit of dependents) commit.reject(dependentError);
  }
}
