import type { CancelTimer, Clock } from '../core/index.js';
import type { CorruptionListener, EventStore, TimerEntry } from '../store/index.js';

/** Options of {@link createTimerService}. */
export interface TimerServiceOptions {
  readonly store: Pick<EventStore, 'dueTimers' | 'nextTimers'>;
  readonly clock: Clock;
  /**
   * Called once per due entry, in `fireAt` order. The engine records
   * `TimerFired` (which removes the entry) and then calls `release`.
   */
  readonly onDue: (entry: TimerEntry) => void;
  /** Reports store errors; the service retries on the next notify. */
  readonly onError?: (error: unknown) => void;
  /**
   * Receives damaged timer entries, which the service skips: one damaged
   * key must not stop every other timer from firing. Without it, a damaged
   * entry in range fails the scan (reported to `onError`).
   */
  readonly onCorrupt?: CorruptionListener;
  /** Entries read per scan. @default 512 */
  readonly batchSize?: number;
}

/** The engine's one timer service (SPEC section 5). */
export interface TimerService {
  /** Reads the earliest entries and arms the first deadline. */
  start(): Promise<void>;
  /** A timer was added at `fireAt`: re-arm when it is earlier than the armed one. */
  notify(fireAt: number): void;
  /** The entry was fired or cancelled and left the index. */
  release(entry: TimerEntry): void;
  /** The armed deadline, if any (for time skipping in tests). */
  armedAt(): number | undefined;
  /** Entries handed out and not yet released (fired or cancelled). */
  inFlight(): number;
  /** Resolves when no scan is running. */
  idle(): Promise<void>;
  stop(): void;
}

/** The identity of a timer entry. */
export function timerKey(entry: TimerEntry): string {
  return `${entry.workflowId}\u0000${entry.runId}\u0000${entry.timerId}`;
}

/**
 * Creates the timer service: it never holds a `setTimeout` per timer. Only
 * the earliest deadline is armed on the clock; when it passes, due entries
 * are read from the store's index in `fireAt` order and handed out once
 * each, so a million sleeping runs cost one armed timer. After a restart,
 * overdue entries come out first, in order.
 */
export function createTimerService(options: TimerServiceOptions): TimerService {
  const { store, clock, onDue, onCorrupt } = options;
  const batchSize = options.batchSize ?? 512;
  const inFlight = new Set<string>();
  let armed: { at: number; cancel: CancelTimer } | undefined;
  let scanning: Promise<void> | undefined;
  let rescan = false;
  let stopped = false;

  const arm = (at: number): void => {
    if (stopped) return;
    if (armed !== undefined && armed.at <= at) return;
    armed?.cancel();
    armed = {
      at,
      cancel: clock.schedule(at, () => {
        armed = undefined;
        scan();
      }),
    };
  };

  const scanOnce = async (): Promise<void> => {
    // One pass pages through the due entries in fireAt order with a cursor,
    // so entries still in flight are skipped without being read again.
    const now = clock.now();
    let after: TimerEntry | undefined;
    for (;;) {
      const due = await store.dueTimers(now, batchSize, after, onCorrupt);
      for (const entry of due) {
        if (stopped) return;
        const key = timerKey(entry);
        if (inFlight.has(key)) continue;
        inFlight.add(key);
        onDue(entry);
      }
      if (due.length < batchSize) {
        after = due[due.length - 1] ?? after;
        break;
      }
      after = due[due.length - 1];
    }
    // Everything due is in flight now: the next deadline is the first entry
    // after the last one read (or the first of all, if none was due).
    const [upcoming] =
      after === undefined
        ? await store.nextTimers(1, onCorrupt)
        : await store.dueTimers(Number.MAX_SAFE_INTEGER, 1, after, onCorrupt);
    if (upcoming !== undefined && !inFlight.has(timerKey(upcoming))) {
      arm(Math.max(upcoming.fireAt, clock.now()));
    }
  };

  const scan = (): void => {
    if (stopped) return;
    if (scanning !== undefined) {
      rescan = true;
      return;
    }
    scanning = (async () => {
      try {
        do {
          rescan = false;
          await scanOnce();
        } while (rescan && !stopped);
      } catch (error) {
        options.onError?.(error);
      } finally {
        scanning = undefined;
      }
    })();
  };

  return {
    async start() {
      scan();
      await scanning;
    },
    notify(fireAt) {
      if (fireAt <= clock.now()) scan();
      else arm(fireAt);
    },
    release(entry) {
      inFlight.delete(timerKey(entry));
    },
    armedAt: () => armed?.at,
    inFlight: () => inFlight.size,
    async idle() {
      while (scanning !== undefined) await scanning;
    },
    stop() {
      stopped = true;
      armed?.cancel();
      armed = undefined;
    },
  };
}
