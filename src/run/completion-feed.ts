import type { HistoryEvent } from '../core/index.js';

/** What a {@link CompletionFeed} needs from its execution. */
export interface CompletionFeedPort {
  yieldToMicrotasks(): Promise<void>;
  /** True once the code ended (or the run was blocked): nothing more is delivered. */
  settled(): boolean;
  /** Hands one completion to the code. */
  deliver(event: HistoryEvent): void;
  /**
   * Every recorded completion was delivered: true when the code also issued
   * every recorded command again. False blocks the run (the caller does):
   * live completions then never reach the code.
   */
  caughtUp(): boolean;
}

/**
 * Hands completions to the code in recorded order: the recorded ones one at
 * a time during replay, letting the code's microtasks run between them so
 * `Promise.all` and `Promise.race` observe the order of the original
 * execution, then live ones as they are recorded.
 */
export class CompletionFeed {
  readonly #port: CompletionFeedPort;
  readonly #recorded: readonly HistoryEvent[];
  /** Index in `#recorded` of the next recorded completion to deliver. */
  #replayIndex = 0;
  #replaying: boolean;
  /**
   * True once the code caught up with its history: every recorded
   * completion delivered and every recorded command issued again. A live
   * completion delivered before then could reach the code ahead of a
   * command it originally followed (a signal taken from the buffer where
   * the code had waited for it with a timeout), so live ones wait.
   */
  #caughtUp = false;
  #pumping = false;
  readonly #live: HistoryEvent[] = [];
  readonly #replayed: Promise<void>;
  #markReplayed!: () => void;

  /** @param recorded the recorded completions, in history order. */
  constructor(recorded: readonly HistoryEvent[], port: CompletionFeedPort) {
    this.#port = port;
    this.#recorded = recorded;
    // Replay is over at once when history holds no completion to deliver.
    this.#replaying = recorded.length > 0;
    this.#replayed = new Promise<void>((resolve) => (this.#markReplayed = resolve));
  }

  /** True until every recorded completion has been delivered. */
  get replaying(): boolean {
    return this.#replaying;
  }

  /** True while completions wait to be delivered to the code. */
  get delivering(): boolean {
    return this.#pumping || this.#live.length > 0;
  }

  /** Resolves once replay is over (or the run ended or was blocked during it). */
  get replayed(): Promise<void> {
    return this.#replayed;
  }

  /** Delivers the recorded completions, then goes live once the code caught up. */
  async replay(): Promise<void> {
    try {
      await this.#replayAll();
    } finally {
      this.#replaying = false;
      this.#markReplayed();
    }
  }

  /** Queues a live completion, already durable; delivered once the code caught up. */
  push(event: HistoryEvent): void {
    this.#live.push(event);
    if (this.#caughtUp) this.#pump();
  }

  /** Completions recorded but not handed to the code yet, in recorded order. */
  undelivered(): HistoryEvent[] {
    return [...this.#recorded.slice(this.#replayIndex), ...this.#live];
  }

  async #replayAll(): Promise<void> {
    const port = this.#port;
    for (let i = 0; i < this.#recorded.length; i++) {
      await port.yieldToMicrotasks();
      if (port.settled()) return;
      if (i === this.#recorded.length - 1) this.#replaying = false;
      this.#replayIndex = i + 1;
      port.deliver(this.#recorded[i] as HistoryEvent);
    }
    this.#replaying = false;
    await port.yieldToMicrotasks();
    if (port.settled()) return;
    if (!port.caughtUp()) return;
    this.#caughtUp = true;
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#live.length === 0) return;
    this.#pumping = true;
    void (async () => {
      try {
        while (this.#live.length > 0 && !this.#port.settled()) {
          this.#port.deliver(this.#live.shift() as HistoryEvent);
          await this.#port.yieldToMicrotasks();
        }
      } finally {
        this.#pumping = false;
      }
    })();
  }
}
