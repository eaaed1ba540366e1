/**
 * Runs async work one at a time per key, in call order; other keys run
 * concurrently. Used so that two starts of the same workflow id cannot both
 * find it free.
 */
export class KeyedLock {
  readonly #tails = new Map<string, Promise<unknown>>();

  /** Keys with work running or waiting. */
  get size(): number {
    return this.#tails.size;
  }

  /** Runs `work` after every earlier work of `key` settled; resolves with its result. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(key) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(key, settled);
    void settled.then(() => {
      if (this.#tails.get(key) === settled) this.#tails.delete(key);
    });
    return next;
  }
}
