/**
 * Listeners grouped by key (one run each), so that publishing to a run
 * costs as much as that run's listeners, not as much as every listener of
 * every run: with 10,000 callers awaiting `result()`, filtering one shared
 * subject would make each outcome cost 10,000 calls.
 */
export class KeyedListeners<T> {
  readonly #byKey = new Map<string, Set<(value: T) => void>>();

  /** Adds a listener; returns its removal. */
  add(key: string, listener: (value: T) => void): () => void {
    let set = this.#byKey.get(key);
    if (set === undefined) {
      set = new Set();
      this.#byKey.set(key, set);
    }
    set.add(listener);
    return () => {
      const current = this.#byKey.get(key);
      if (current === undefined) return;
      current.delete(listener);
      if (current.size === 0) this.#byKey.delete(key);
    };
  }

  /** Calls the listeners of `key`, in the order they were added. */
  emit(key: string, value: T): void {
    const set = this.#byKey.get(key);
    if (set === undefined) return;
    for (const listener of [...set]) listener(value);
  }

  /** True when `key` has a listener. */
  has(key: string): boolean {
    return this.#byKey.has(key);
  }

  /** Keys with listeners (for leak checks). */
  get size(): number {
    return this.#byKey.size;
  }
}
