import type { CancelTimer, Clock } from '../core/index.js';

/** Options of {@link Residency}. */
export interface ResidencyOptions {
  readonly clock: Clock;
  /** A waiting run is suspended after this long without activity. */
  readonly idleTimeoutMs: number;
  /** Past this many resident runs, the least recently active idle ones are suspended. */
  readonly maxResidentRuns: number;
  /** Whether the run may be suspended now (waiting, nothing in flight). */
  readonly canSuspend: (key: string) => boolean;
  /** Suspends the run: stop its actor and release its memory. */
  readonly suspend: (key: string) => void;
}

/** How many runs one eviction looks at, at most. */
const EVICTION_BATCH = 32;

/**
 * Decides which resident runs to suspend (SPEC section 8, Residency): those
 * idle for `idleTimeoutMs`, and the least recently active beyond
 * `maxResidentRuns`. It keeps one timestamp per resident run in a Map whose
 * insertion order is the recency order, and arms a single timer for the
 * earliest idle deadline — only while some run could be suspended, so an
 * engine with nothing resident has nothing armed.
 */
export class Residency {
  readonly #options: ResidencyOptions;
  readonly #lastActive = new Map<string, number>();
  #armed: { at: number; cancel: CancelTimer } | undefined;

  constructor(options: ResidencyOptions) {
    this.#options = options;
  }

  /** How many runs are resident. */
  get size(): number {
    return this.#lastActive.size;
  }

  /** The run did something (or was rehydrated): it becomes the most recent. */
  touch(key: string): void {
    this.#lastActive.delete(key);
    this.#lastActive.set(key, this.#options.clock.now());
    if (this.#lastActive.size > this.#options.maxResidentRuns) this.#evict();
    this.#arm();
  }

  /** The run is no longer resident (ended or suspended). */
  remove(key: string): void {
    this.#lastActive.delete(key);
  }

  /** Suspends idle runs now; re-arms for the next deadline. */
  sweep(): void {
    const now = this.#options.clock.now();
    const cutoff = now - this.#options.idleTimeoutMs;
    for (const [key, at] of this.#lastActive) {
      if (at > cutoff) break;
      this.#lastActive.delete(key);
      // A run with work in flight is active now; it goes back to the end.
      if (this.#options.canSuspend(key)) this.#options.suspend(key);
      else this.#lastActive.set(key, now);
    }
    if (this.#lastActive.size > this.#options.maxResidentRuns) this.#evict();
    this.#arm();
  }

  /**
   * Suspends the least recently active runs that can be, down to the limit.
   * A run that cannot be suspended now (loading, work in flight) is active:
   * it moves to the recent end, so the next eviction does not walk past it
   * again — when thousands of runs wake at once, most are loading, and
   * rescanning them on every touch made a wake burst quadratic. Each call
   * looks at a bounded number of runs; while runs are busy the limit is
   * exceeded for a moment, and later touches or the idle sweep catch up.
   */
  #evict(): void {
    const now = this.#options.clock.now();
    // A touch adds one run at most: looking at a few more per call catches up.
    let budget = Math.min(this.#lastActive.size, EVICTION_BATCH);
    for (const key of this.#lastActive.keys()) {
      if (this.#lastActive.size <= this.#options.maxResidentRuns || budget-- === 0) return;
      this.#lastActive.delete(key);
      if (this.#options.canSuspend(key)) this.#options.suspend(key);
      else this.#lastActive.set(key, now);
    }
  }

  #arm(): void {
    const first = this.#lastActive.values().next();
    if (first.done === true) {
      this.#armed?.cancel();
      this.#armed = undefined;
      return;
    }
    const at = first.value + this.#options.idleTimeoutMs;
    if (this.#armed !== undefined && this.#armed.at <= at) return;
    this.#armed?.cancel();
    this.#armed = {
      at,
      cancel: this.#options.clock.schedule(at, () => {
        this.#armed = undefined;
        this.sweep();
      }),
    };
  }

  /** Stops the timer; nothing is suspended after this. */
  stop(): void {
    this.#armed?.cancel();
    this.#armed = undefined;
    this.#lastActive.clear();
  }
}
