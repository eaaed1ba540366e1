/** Called once the admitted commit was handed to `commit()`, or will not be. Idempotent. */
export type AdmissionRelease = () => void;

/** Counters of a {@link WriteAdmission}. */
export interface AdmissionStats {
  /** Writers waiting for room. */
  readonly waiting: number;
  /** Writers admitted whose commit is not queued yet. */
  readonly admitted: number;
  /** The most writers that waited at once. */
  readonly peakWaiting: number;
}

/**
 * Backpressure for a store's queue of commits not yet durable: writers from
 * outside the engine's runs (starts, signals from users) are admitted one
 * by one while the queue holds fewer than `limit` commits, and wait in
 * arrival order otherwise. Appends of running runs never come through here:
 * they are bounded by the number of resident runs (one append in flight per
 * run), and a run's completion must never wait behind new work.
 *
 * An admitted writer counts until it releases its admission, which it does
 * right after calling `commit()` (the commit then counts in the queue), so
 * writers admitted together cannot overshoot the limit between admission
 * and commit: at every admission, queued plus admitted commits are below
 * `limit`, hence admitted outside commits never exceed it.
 */
export class WriteAdmission {
  readonly #limit: number;
  readonly #pending: () => number;
  #admitted = 0;
  #waiters: Array<(release: AdmissionRelease) => void> = [];
  #peakWaiting = 0;
  #open = true;

  /**
   * @param limit the most commits not yet durable before writers wait.
   * @param pending how many commits the store holds that are not durable yet.
   */
  constructor(limit: number, pending: () => number) {
    this.#limit = limit;
    this.#pending = pending;
  }

  /** The bound this admission keeps. */
  get limit(): number {
    return this.#limit;
  }

  /** Counters: waiting and admitted writers. */
  stats(): AdmissionStats {
    return {
      waiting: this.#waiters.length,
      admitted: this.#admitted,
      peakWaiting: this.#peakWaiting,
    };
  }

  /**
   * Resolves with a release once the writer may commit: at once while there
   * is room and nobody waits, otherwise after the writers before it.
   */
  admit(): Promise<AdmissionRelease> {
    if (this.#waiters.length === 0 && this.#hasRoom()) {
      return Promise.resolve(this.#grant());
    }
    return new Promise<AdmissionRelease>((resolve) => {
      this.#waiters.push(resolve);
      if (this.#waiters.length > this.#peakWaiting) this.#peakWaiting = this.#waiters.length;
    });
  }

  /** The queue shrank (a batch was written or failed): admit waiters while there is room. */
  drained(): void {
    while (this.#waiters.length > 0 && this.#hasRoom()) {
      const wake = this.#waiters.shift() as (release: AdmissionRelease) => void;
      wake(this.#grant());
    }
  }

  /**
   * Admits every waiter and stops waiting (the store is closing): their
   * commits then fail as a closed store's do, instead of hanging.
   */
  close(): void {
    this.#open = false;
    this.drained();
  }

  #hasRoom(): boolean {
    return !this.#open || this.#pending() + this.#admitted < this.#limit;
  }

  #grant(): AdmissionRelease {
    this.#admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#admitted--;
      // A writer that gave up without committing leaves room behind it.
      this.drained();
    };
  }
}
