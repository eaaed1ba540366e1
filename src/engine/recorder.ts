import type { Clock, EventBody, HistoryEvent } from '../core/index.js';
import type { EventStore, RunAppend } from '../store/index.js';

interface DurableWaiter {
  readonly seq: number;
  resolve(): void;
  reject(error: unknown): void;
}

/** Callbacks of a {@link Recorder}. */
export interface RecorderHooks {
  /** Events (and the other runs' appends of the same batch) are durable. */
  onDurable(events: readonly HistoryEvent[], extra: readonly RunAppend[]): void;
  /**
   * A commit failed: `lost` are the events it carried and those buffered
   * behind it, none of them stored. `storeFault` is true when the store
   * could not write (`STORE_WRITE_FAILED`), as opposed to a rejected append.
   */
  onFailure(error: unknown, lost: readonly HistoryEvent[], storeFault: boolean): void;
}

/**
 * Where a recorder's appends pass on their way to the store: the engine's
 * store health (see store-health.ts). While the store cannot be written,
 * appends wait at the gate instead of failing one after the other.
 */
export interface WriteGate {
  readonly writable: boolean;
  /** Resolves when this append may go out (recovery, or a probe). */
  admit(): Promise<void>;
  /** Takes a ticket for an append about to be sent. */
  sent(): number;
  succeeded(ticket: number): void;
  /** Returns true when the failure is a store fault. */
  failed(error: unknown): boolean;
}

const OPEN_GATE: WriteGate = {
  writable: true,
  admit: () => Promise.resolve(),
  sent: () => 0,
  succeeded: () => undefined,
  failed: () => false,
};

/**
 * The single writer of one run (SPEC section 2). `record` assigns the next
 * seq and `recordedAt` synchronously and buffers the event; everything
 * recorded in the same tick goes to the store as one append, with the head
 * it expects, and one append per run is in flight at a time so the expected
 * head is always right. The store groups appends of all runs into one
 * durable batch.
 */
export class Recorder {
  readonly workflowId: string;
  readonly runId: string;
  readonly #store: EventStore;
  readonly #clock: Clock;
  readonly #hooks: RecorderHooks;
  readonly #gate: WriteGate;
  #durableHead: number;
  #nextSeq: number;
  #buffer: HistoryEvent[] = [];
  #extra: RunAppend[] = [];
  #waiters: DurableWaiter[] = [];
  #inFlight: Promise<void> | undefined;
  #flushQueued = false;
  #failed: Error | undefined;

  constructor(
    ref: { workflowId: string; runId: string },
    head: number,
    store: EventStore,
    clock: Clock,
    hooks: RecorderHooks,
    gate: WriteGate = OPEN_GATE,
  ) {
    this.workflowId = ref.workflowId;
    this.runId = ref.runId;
    this.#durableHead = head;
    this.#nextSeq = head;
    this.#store = store;
    this.#clock = clock;
    this.#hooks = hooks;
    this.#gate = gate;
  }

  /** The seq of the last event known durable. */
  get durableHead(): number {
    return this.#durableHead;
  }

  /** True after a failed commit, until {@link Recorder.reset}. */
  get failed(): boolean {
    return this.#failed !== undefined;
  }

  /** The seq of the last event recorded (durable or not). */
  get head(): number {
    return this.#nextSeq;
  }

  /**
   * Records an event: assigns its seq now and queues it for the next commit.
   * `extra` appends (another run's events) commit atomically with it.
   *
   * The append goes out at the end of the current turn (not at the end of
   * the microtask queue): a completion is delivered as it is recorded, and
   * the commands the code issues in reaction ride in the same append, which
   * makes one durable write per workflow step.
   *
   * @throws the error of the failed commit, until {@link Recorder.reset}.
   */
  record(body: EventBody, extra?: RunAppend): HistoryEvent {
    // After a failed commit the run's memory is ahead of its store: nothing
    // more is taken until the run is rebuilt (`reset`), so nothing recorded
    // in between can reach the store after its caller was told it failed.
    if (this.#failed !== undefined) throw this.#failed;
    // Object.assign onto the envelope, not a spread: bodies come in a score
    // of shapes, and a spread of a megamorphic source measured about 8x
    // slower per event. Bodies never carry envelope fields (EventBody).
    const event = Object.assign(
      {
        seq: ++this.#nextSeq,
        recordedAt: this.#clock.now(),
        workflowId: this.workflowId,
        runId: this.runId,
      },
      body,
    ) as HistoryEvent;
    this.#buffer.push(event);
    if (extra !== undefined) this.#extra.push(extra);
    this.#scheduleFlush();
    return event;
  }

  /** Resolves when every event recorded so far (or up to `seq`) is durable. */
  durable(seq: number = this.#nextSeq): Promise<void> {
    if (seq <= this.#durableHead) return Promise.resolve();
    if (this.#failed !== undefined) return Promise.reject(this.#failed);
    this.#scheduleFlush();
    return new Promise<void>((resolve, reject) => this.#waiters.push({ seq, resolve, reject }));
  }

  /** Resolves when nothing is buffered or in flight. */
  async idle(): Promise<void> {
    while (this.#inFlight !== undefined || this.#buffer.length > 0) {
      await (this.#inFlight ?? Promise.resolve());
      if (this.#inFlight === undefined && this.#buffer.length > 0) this.#flush();
    }
  }

  #scheduleFlush(): void {
    if (this.#flushQueued || this.#inFlight !== undefined) return;
    this.#flushQueued = true;
    setImmediate(() => {
      this.#flushQueued = false;
      this.#flush();
    });
  }

  #flush(): void {
    if (this.#inFlight !== undefined || this.#buffer.length === 0) return;
    if (!this.#gate.writable) {
      // The store cannot be written: hold the append (and what is recorded
      // behind it) until the store recovers or a probe lets it through.
      this.#inFlight = this.#gate.admit().then(
        () => {
          this.#inFlight = undefined;
          this.#send();
        },
        (error: unknown) => {
          this.#inFlight = undefined;
          this.#fail(error, [], false);
        },
      );
      return;
    }
    this.#send();
  }

  #send(): void {
    if (this.#inFlight !== undefined || this.#buffer.length === 0) return;
    const events = this.#buffer;
    const extra = this.#extra;
    this.#buffer = [];
    this.#extra = [];
    const append: RunAppend = {
      workflowId: this.workflowId,
      runId: this.runId,
      expectedSeq: this.#durableHead,
      events,
    };
    const ticket = this.#gate.sent();
    this.#inFlight = this.#store.commit(extra.length === 0 ? [append] : [append, ...extra]).then(
      () => {
        this.#gate.succeeded(ticket);
        this.#inFlight = undefined;
        this.#durableHead = (events[events.length - 1] as HistoryEvent).seq;
        this.#settleWaiters();
        this.#hooks.onDurable(events, extra);
        if (this.#buffer.length > 0) this.#flush();
      },
      (error: unknown) => {
        const storeFault = this.#gate.failed(error);
        this.#inFlight = undefined;
        this.#fail(error, events, storeFault);
      },
    );
  }

  #settleWaiters(): void {
    if (this.#waiters.length === 0) return;
    const head = this.#durableHead;
    const still: DurableWaiter[] = [];
    for (const waiter of this.#waiters) {
      if (waiter.seq <= head) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }

  /**
   * A failed commit leaves this run's memory ahead of its store: every
   * buffered event and waiter is rejected, the head rolls back to what is
   * durable, and the run must be rebuilt from its history.
   */
  #fail(error: unknown, sent: readonly HistoryEvent[], storeFault: boolean): void {
    this.#failed = error instanceof Error ? error : new Error(String(error));
    const lost = [...sent, ...this.#buffer];
    this.#buffer = [];
    this.#extra = [];
    this.#nextSeq = this.#durableHead;
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter.reject(error);
    this.#hooks.onFailure(error, lost, storeFault);
  }

  /** Clears a failure so the run can record again after it was rebuilt. */
  reset(): void {
    this.#failed = undefined;
  }
}
