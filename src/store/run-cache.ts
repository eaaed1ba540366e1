import type { RunSummary } from './event-store.js';
import type { PlannedRun } from './commit-plan.js';

interface CachedRun {
  /** The head including every queued and in-flight commit; `undefined`: no such run. */
  summary: RunSummary | undefined;
  /** Queued or in-flight commits that touch the run. Never evicted while > 0. */
  pending: number;
}

/**
 * The heads of recently written runs, for the expected-seq check.
 *
 * A cached summary is the run's head *including* commits not yet durable, so
 * a run's next commit can be checked and queued at once, without waiting for
 * the batch before it. On a miss the head is read from the database with a
 * synchronous `getSync`: the check, the read and the update then happen in
 * one tick, so two concurrent commits naming the same head can never both
 * pass, and no per-run lock is needed. Runs with pending commits are always
 * cached, so the database never lags behind a cached head.
 *
 * Memory stays bounded: a run is dropped once its terminal event is durable,
 * and beyond `maxRuns` the earliest cached idle runs are evicted (first in,
 * first out: cheaper on the hot path than reordering a map on every commit,
 * and a run evicted while still active costs one `getSync` to read back).
 * Correctness never depends on the cache.
 */
export class RunCache {
  readonly #entries = new Map<string, CachedRun>();
  readonly #maxRuns: number;
  readonly #load: (key: string) => RunSummary | undefined;

  /**
   * @param maxRuns idle runs kept beyond which the oldest are evicted.
   * @param load reads a run's durable summary synchronously (may throw `STORE_CORRUPT`).
   */
  constructor(maxRuns: number, load: (key: string) => RunSummary | undefined) {
    this.#maxRuns = maxRuns;
    this.#load = load;
  }

  /** How many runs are cached. */
  get size(): number {
    return this.#entries.size;
  }

  /** The head of a run, reading it from the database on a miss. */
  head(key: string): RunSummary | undefined {
    const cached = this.#entries.get(key);
    if (cached !== undefined) return cached.summary;
    const summary = this.#load(key);
    this.#entries.set(key, { summary, pending: 0 });
    return summary;
  }

  /**
   * The durable summary when the cache knows it: `null` when the run has
   * pending commits or is not cached (read the database instead).
   */
  durable(key: string): RunSummary | undefined | null {
    const cached = this.#entries.get(key);
    return cached === undefined || cached.pending > 0 ? null : cached.summary;
  }

  /** A commit was planned and queued: its summaries become the heads. */
  reserve(runs: readonly PlannedRun[]): void {
    for (const run of runs) {
      const cached = this.#entries.get(run.key);
      if (cached === undefined) {
        this.#entries.set(run.key, { summary: run.summary, pending: 1 });
      } else {
        cached.summary = run.summary;
        cached.pending++;
      }
    }
  }

  /** A commit is durable: ended runs with nothing pending leave the cache. */
  settle(runs: readonly PlannedRun[]): void {
    for (const run of runs) {
      const cached = this.#entries.get(run.key);
      if (cached === undefined) continue;
      cached.pending--;
      if (cached.pending === 0 && cached.summary?.status !== 'running') {
        this.#entries.delete(run.key);
      }
    }
    if (this.#entries.size > this.#maxRuns) this.#trim();
  }

  /** A commit was rejected after `reserve`: it no longer counts as pending. */
  release(runs: readonly PlannedRun[]): void {
    for (const run of runs) {
      const cached = this.#entries.get(run.key);
      if (cached !== undefined) cached.pending--;
    }
  }

  /**
   * Rolls heads back after a failed write. Each affected run gets the summary
   * of the last queued commit that touches it; a run with none is dropped,
   * so its next commit reads the durable head from the database.
   *
   * @param affected run keys whose cached heads included rejected commits.
   * @param valid the runs of every commit still queued, in queue order.
   */
  rollback(affected: ReadonlySet<string>, valid: ReadonlyArray<readonly PlannedRun[]>): void {
    const heads = new Map<string, RunSummary>();
    for (const runs of valid) {
      for (const run of runs) if (affected.has(run.key)) heads.set(run.key, run.summary);
    }
    for (const key of affected) {
      const cached = this.#entries.get(key);
      const head = heads.get(key);
      if (cached !== undefined && head !== undefined) cached.summary = head;
      else this.#entries.delete(key);
    }
  }

  /** Evicts the earliest cached idle runs down to the bound. */
  #trim(): void {
    let excess = this.#entries.size - this.#maxRuns;
    for (const [key, cached] of this.#entries) {
      if (excess <= 0) break;
      if (cached.pending > 0) continue;
      this.#entries.delete(key);
      excess--;
    }
  }
}
