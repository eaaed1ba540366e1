import { InvalidArgumentError, parseDuration } from '../core/index.js';
import type { Duration, TimerKind } from '../core/index.js';
import { CancelledError, TimeoutError } from '../workflow/index.js';
import type { DurableTimer } from '../workflow/index.js';
import { refuse } from './command-refusal.js';
import type { RunExecution } from './run-execution.js';
import { timerIds } from './timer-ids.js';

/** A workflow timer the code started, and when it fires. */
export interface StartedTimer {
  readonly timerId: string;
  readonly fired: Promise<void>;
}

/**
 * Starts a workflow timer: allocates its ordinal, matches it against
 * history, and arms it on the host when live.
 *
 * @returns the timer, or `undefined` when the run is blocked.
 * @throws InvalidArgumentError for a malformed duration.
 */
export function startTimer(
  exec: RunExecution,
  duration: Duration,
  kind: TimerKind,
): StartedTimer | undefined {
  const durationMs = parseDuration(duration);
  const ordinal = exec.nextOrdinal('timer');
  const timerId = timerIds.workflow(ordinal);
  const live = exec.matchCommand({ kind: 'timer', ordinal, name: `${durationMs}ms` });
  if (live === 'blocked') return undefined;
  const fired = exec.waitFor<void>(timerId);
  if (live) exec.host.startTimer({ timerId, durationMs, kind });
  return { timerId, fired };
}

/**
 * Cancels a workflow timer. The host is told only live, and only when
 * history does not already hold the cancellation.
 */
export function cancelTimer(exec: RunExecution, timerId: string): void {
  exec.abandon(timerId, new CancelledError('timer cancelled'));
  if (!exec.replaying && !exec.timerCancelledInHistory(timerId)) exec.host.cancelTimer(timerId);
}

/** `ctx.sleep`: a timer of kind `sleep`, refused inside a query handler. */
export function sleepFor(exec: RunExecution, duration: Duration): Promise<void> {
  try {
    exec.assertNotInQuery('sleep');
    return startTimer(exec, duration, 'sleep')?.fired ?? exec.blockedPromise;
  } catch (error) {
    return refuse(error);
  }
}

/** `ctx.timer`: a timer the code can cancel until it fires. */
export function durableTimer(exec: RunExecution, duration: Duration): DurableTimer {
  exec.assertNotInQuery('timer');
  const timer = startTimer(exec, duration, 'timer');
  if (timer === undefined) return { fired: exec.blockedPromise, cancel: () => undefined };
  let done = false;
  const fired = timer.fired.finally(() => {
    done = true;
  });
  fired.catch(() => undefined);
  return {
    fired,
    cancel() {
      if (done) return;
      done = true;
      cancelTimer(exec, timer.timerId);
    },
  };
}

/**
 * `ctx.withTimeout`: settles as `promise` does, or rejects with
 * `TimeoutError` once a durable timer of `duration` fires first.
 */
export function withDurableTimeout<T>(
  exec: RunExecution,
  promise: Promise<T>,
  duration: Duration,
): Promise<T> {
  let timer: StartedTimer | undefined;
  try {
    exec.assertNotInQuery('withTimeout');
    // Checked before the timer is recorded: a refused call records nothing.
    if (typeof (promise as { then?: unknown } | null)?.then !== 'function') {
      throw new InvalidArgumentError('ctx.withTimeout needs a promise');
    }
    timer = startTimer(exec, duration, 'timeout');
  } catch (error) {
    return refuse(error);
  }
  if (timer === undefined) return exec.blockedPromise;
  const { timerId, fired } = timer;
  return new Promise<T>((resolve, reject) => {
    let done = false;
    promise.then(
      (value) => {
        if (done) return;
        done = true;
        cancelTimer(exec, timerId);
        resolve(value);
      },
      (error: unknown) => {
        if (done) return;
        done = true;
        cancelTimer(exec, timerId);
        reject(error);
      },
    );
    fired.then(
      () => {
        if (done) return;
        done = true;
        reject(new TimeoutError(`operation did not finish within ${String(duration)}`));
      },
      () => undefined,
    );
  });
}
