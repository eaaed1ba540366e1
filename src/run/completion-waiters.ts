interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/**
 * The code's pending awaits, keyed by the completion they wait for
 * (`a<activityId>`, `c<childOrdinal>`, a timer id). A completion settles at
 * most one waiter; a key nobody waits for is dropped.
 */
export class CompletionWaiters {
  readonly #waiters = new Map<string, Waiter>();

  /** A promise settled when the completion keyed `key` arrives. */
  wait<T>(key: string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiters.set(key, { resolve, reject });
    });
  }

  resolve(key: string, value: unknown): void {
    const waiter = this.#waiters.get(key);
    if (waiter === undefined) return;
    this.#waiters.delete(key);
    waiter.resolve(value);
  }

  reject(key: string, error: unknown): void {
    const waiter = this.#waiters.get(key);
    if (waiter === undefined) return;
    this.#waiters.delete(key);
    waiter.reject(error);
  }

  /** Rejects every pending await (cancellation of the run). */
  /** The keys awaited now, in the order their waits began. */
  keys(): string[] {
    return [...this.#waiters.keys()];
  }

  rejectAll(error: () => unknown): void {
    const waiting = [...this.#waiters.values()];
    this.#waiters.clear();
    for (const waiter of waiting) waiter.reject(error());
  }
}
