import { AionError, EngineClosedError, ErrorCode, StoreError } from '../core/index.js';
import type { CancelTimer, Clock } from '../core/index.js';

/** What {@link StoreHealth} reports on `engine.supervision$`. */
export type StoreHealthReport =
  | { readonly type: 'store-fault'; readonly error: unknown }
  | {
      readonly type: 'store-recovered';
      /** How long the store could not be written, in engine-clock ms. */
      readonly downMs: number;
      /** Writes that failed during the episode (the first one included). */
      readonly failedWrites: number;
    };

/** How often a faulty store is probed: `initialMs`, then `factor` times more, up to `maxMs`. */
export interface ProbeBackoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
}

/** Options of {@link createStoreHealth}. */
export interface StoreHealthOptions {
  readonly clock: Clock;
  readonly report: (report: StoreHealthReport) => void;
  /** @default { initialMs: 50, maxMs: 5000, factor: 2 } */
  readonly probe?: ProbeBackoff;
}

/**
 * Whether the store can be written, as the engine's writes find it. Runs
 * write through it: a write that fails with `STORE_WRITE_FAILED` opens a
 * fault episode, during which runs hold their writes instead of sending
 * them to fail one after the other.
 */
export interface StoreHealth {
  /** False during a fault episode. */
  readonly writable: boolean;
  /**
   * Takes a failed write into account. Returns true when it is a store
   * fault (`STORE_WRITE_FAILED`): the episode begins, or goes on. A
   * sequence conflict, bad input or a closed store is no fault of the store.
   */
  failed(error: unknown): boolean;
  /**
   * A write is about to go to the store: returns its ticket, to hand to
   * {@link StoreHealth.succeeded} if it succeeds.
   */
  sent(): number;
  /**
   * A write succeeded: the store is writable (again) — unless the write was
   * sent before the current fault began, which proves nothing about it.
   */
  succeeded(ticket: number): void;
  /**
   * Resolves when a held write may go to the store: at once while it is
   * writable; during a fault, when the store recovered or when a probe lets
   * this write through to test it.
   *
   * @throws (rejects) `ENGINE_CLOSED` once the engine closes.
   */
  admit(): Promise<void>;
  /** Resolves once the store is writable. Rejects with `ENGINE_CLOSED` on close. */
  whenWritable(): Promise<void>;
  /**
   * Throws `STORE_WRITE_FAILED` (with the episode's cause) during a fault:
   * calls from outside fail at once rather than wait for the disk, except
   * when a probe is due and no write waits to make it (then the call's own
   * write tests the store).
   */
  assertWritable(): void;
  /** Stops probing; pending waits reject with `ENGINE_CLOSED`. */
  close(): void;
}

const DEFAULT_PROBE: ProbeBackoff = { initialMs: 50, maxMs: 5_000, factor: 2 };

interface Waiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** True for the error of a write the store could not make (disk full, I/O error). */
export function isStoreFault(error: unknown): boolean {
  return error instanceof AionError && error.code === ErrorCode.STORE_WRITE_FAILED;
}

/**
 * Creates the engine's view of store health (docs/recovery.md, "When the disk
 * fails").
 *
 * A fault episode begins with the first `STORE_WRITE_FAILED` and is reported
 * once (`store-fault`). While it lasts, writes wait in {@link StoreHealth.admit}.
 * The store is probed with a real write: on the engine clock, after 50 ms,
 * then doubling up to 5 s, one waiting write is let through (or, when none
 * waits, the next one to come, a call from outside included; nothing stays
 * armed then). The first write that succeeds — that probe,
 * or a `start()` that went to the store directly — ends the episode: it is
 * reported (`store-recovered`) and every held write goes out. The probe
 * delay keeps growing across episodes that follow each other closely, so a
 * write that fails again and again is retried at most every `maxMs`.
 */
export function createStoreHealth(options: StoreHealthOptions): StoreHealth {
  const { clock, report } = options;
  const backoff = options.probe ?? DEFAULT_PROBE;
  let writable = true;
  let closed = false;
  let cause: unknown;
  let since = 0;
  let failedWrites = 0;
  /** Writes sent so far, and how many had been sent when the fault began. */
  let tickets = 0;
  let faultTicket = 0;
  let delay = backoff.initialMs;
  let recoveredAt = Number.NEGATIVE_INFINITY;
  let probe: CancelTimer | undefined;
  /** A probe fired with no write waiting: the next write to come goes through. */
  let passNext = false;
  let held: Waiter[] = [];
  let recovery: Waiter[] = [];

  const closedError = (): EngineClosedError => new EngineClosedError();

  const armProbe = (): void => {
    if (probe !== undefined || closed) return;
    const wait = delay;
    delay = Math.min(backoff.maxMs, delay * backoff.factor);
    probe = clock.schedule(clock.now() + wait, () => {
      probe = undefined;
      if (writable || closed) return;
      const next = held.shift();
      if (next === undefined) {
        // Nothing waits: the next write to come is the probe, whatever it
        // is, and nothing stays armed on the clock of an idle engine.
        passNext = true;
        return;
      }
      next.resolve();
      // Re-armed while writes wait: a probe write that never comes back
      // (its run was suspended or ended) must not stop the probing.
      armProbe();
    });
  };

  const recover = (): void => {
    writable = true;
    passNext = false;
    probe?.();
    probe = undefined;
    recoveredAt = clock.now();
    const writes = held;
    const waiting = recovery;
    held = [];
    recovery = [];
    report({ type: 'store-recovered', downMs: clock.now() - since, failedWrites });
    for (const waiter of waiting) waiter.resolve();
    for (const waiter of writes) waiter.resolve();
  };

  return {
    get writable() {
      return writable;
    },

    failed(error) {
      if (!isStoreFault(error) || closed) return false;
      failedWrites = writable ? 1 : failedWrites + 1;
      if (writable) {
        writable = false;
        cause = error;
        since = clock.now();
        faultTicket = tickets;
        // An episode right after the last one goes on with the grown delay.
        if (clock.now() - recoveredAt > backoff.maxMs) delay = backoff.initialMs;
        report({ type: 'store-fault', error });
      }
      armProbe();
      return true;
    },

    sent() {
      return ++tickets;
    },

    succeeded(ticket) {
      if (!writable && !closed && ticket > faultTicket) recover();
    },

    admit() {
      if (writable) return Promise.resolve();
      if (closed) return Promise.reject(closedError());
      if (passNext) {
        passNext = false;
        return Promise.resolve();
      }
      const wait = new Promise<void>((resolve, reject) => held.push({ resolve, reject }));
      armProbe();
      return wait;
    },

    whenWritable() {
      if (writable) return Promise.resolve();
      if (closed) return Promise.reject(closedError());
      return new Promise<void>((resolve, reject) => recovery.push({ resolve, reject }));
    },

    assertWritable() {
      // A probe is due: this call's write may be the one that tests the store.
      if (writable || passNext) return;
      throw new StoreError(
        ErrorCode.STORE_WRITE_FAILED,
        'the store cannot be written at the moment; nothing was written',
        { cause: cause instanceof AionError && cause.cause !== undefined ? cause.cause : cause },
      );
    },

    close() {
      if (closed) return;
      closed = true;
      probe?.();
      probe = undefined;
      const waiting = [...held, ...recovery];
      held = [];
      recovery = [];
      for (const waiter of waiting) waiter.reject(closedError());
    },
  };
}
