interface SignalWaiter {
  resolve(payload: unknown): void;
  reject(error: unknown): void;
}

/**
 * Per-name signal buffering (SPEC section 6): the k-th receive of a name
 * consumes the k-th arrival of that name, whenever it arrived. A receive that
 * gave up (timed out) consumes nothing.
 */
export class SignalInbox {
  /** Per name, in arrival order; `order` ranks arrivals across names. */
  readonly #buffered = new Map<
    string,
    Array<{ readonly order: number; readonly payload: unknown }>
  >();
  #arrivals = 0;
  readonly #waiting = new Map<string, SignalWaiter[]>();

  /** Records an arrival: hands it to the oldest waiter, or buffers it. */
  arrive(name: string, payload: unknown): void {
    const waiter = this.#waiting.get(name)?.shift();
    if (waiter !== undefined) {
      waiter.resolve(payload);
      return;
    }
    this.keep(name, payload);
  }

  /** Buffers an arrival without handing it to a waiter (the code has ended). */
  keep(name: string, payload: unknown): void {
    const entry = { order: this.#arrivals++, payload };
    const queue = this.#buffered.get(name);
    if (queue === undefined) this.#buffered.set(name, [entry]);
    else queue.push(entry);
  }

  /** Takes a buffered arrival, if any. */
  take(name: string): { readonly payload: unknown } | undefined {
    const queue = this.#buffered.get(name);
    if (queue === undefined || queue.length === 0) return undefined;
    const entry = queue.shift();
    if (queue.length === 0) this.#buffered.delete(name);
    return { payload: entry?.payload };
  }

  /** Waits for the next arrival; returns a function that withdraws the wait. */
  wait(name: string, waiter: SignalWaiter): () => boolean {
    const list = this.#waiting.get(name);
    if (list === undefined) this.#waiting.set(name, [waiter]);
    else list.push(waiter);
    return () => {
      const current = this.#waiting.get(name);
      const i = current?.indexOf(waiter) ?? -1;
      if (current === undefined || i < 0) return false;
      current.splice(i, 1);
      return true;
    };
  }

  /** Arrivals not consumed yet, in arrival order across names (carried by continue-as-new). */
  unconsumed(): Array<{ name: string; payload: unknown }> {
    const out: Array<{ name: string; order: number; payload: unknown }> = [];
    for (const [name, queue] of this.#buffered) {
      for (const { order, payload } of queue) out.push({ name, order, payload });
    }
    return out.sort((a, b) => a.order - b.order).map(({ name, payload }) => ({ name, payload }));
  }

  /** Rejects every waiting receive (cancellation). */
  cancelAll(error: unknown): void {
    const all = [...this.#waiting.values()].flat();
    this.#waiting.clear();
    for (const waiter of all) waiter.reject(error);
  }
}
