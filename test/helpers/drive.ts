import type { Engine, VirtualClock } from '../../src/index.js';
import { tick } from './wait-until.js';

/** Options of {@link driveUntil}. */
export interface DriveOptions {
  /** Event-loop turns without a new durable event that count as quiet. @default 20 */
  readonly quietTicks?: number;
  /** Real milliseconds without a new durable event that count as quiet (LevelDB I/O). @default 0 */
  readonly quietMs?: number;
  /** Real milliseconds before giving up. @default 10000 */
  readonly timeoutMs?: number;
}

/**
 * Runs an engine on virtual time until `done()` holds: it waits until the
 * engine goes quiet (no durable event for a while), then moves the clock to
 * the next pending deadline, and repeats. Time therefore only skips ahead
 * when nothing else could happen first, as on a real clock.
 *
 * @throws Error when the engine is quiet with nothing scheduled, or on timeout.
 */
export async function driveUntil(
  engine: Engine,
  clock: VirtualClock,
  done: () => boolean,
  options: DriveOptions = {},
): Promise<void> {
  const quietTicks = options.quietTicks ?? 20;
  const quietMs = options.quietMs ?? 0;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  let events = 0;
  const subscription = engine.events$.subscribe(() => events++);
  try {
    for (;;) {
      let seen = events;
      let quietSince = Date.now();
      let quiet = 0;
      while (quiet < quietTicks || Date.now() - quietSince < quietMs) {
        await tick();
        if (events !== seen) {
          seen = events;
          quiet = 0;
          quietSince = Date.now();
        } else {
          quiet++;
        }
        if (Date.now() > deadline) throw new Error('driveUntil timed out');
      }
      if (done()) return;
      const next = clock.nextDeadline();
      if (next === undefined) throw new Error('the engine is quiet and nothing is scheduled');
      clock.advanceTo(next);
    }
  } finally {
    subscription.unsubscribe();
  }
}
