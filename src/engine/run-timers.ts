import type { EventBody, HistoryEvent } from '../core/index.js';
import type { WorkLedger } from '../run/index.js';
import type { TimerEntry } from '../store/index.js';
import type { EngineCore } from './engine-core.js';
import type { RunPhase } from './run-host.js';

/** What a run's timers need from their run host. */
export interface RunTimersPort {
  readonly core: EngineCore;
  ledger(): WorkLedger;
  /** A method: the phase changes between calls. */
  phase(): RunPhase;
  /** True once the run's terminal event is durable. */
  ended(): boolean;
  /** True while the run's recorder failed: the run is about to be rebuilt. */
  failed(): boolean;
  record(body: EventBody): HistoryEvent;
  /** Ends the run from outside (see `RunHost.end`). */
  end(body: EventBody): Promise<void>;
}

/**
 * The durable timers of one run, on the engine side: a due timer is
 * recorded fired (or held until the run is loaded, or released when the run
 * no longer waits for it), and the timer service learns what became of each
 * timer once its events are durable, or lost.
 */
export class RunTimers {
  readonly #port: RunTimersPort;
  #dueWhileLoading: TimerEntry[] = [];

  constructor(port: RunTimersPort) {
    this.#port = port;
  }

  /** A due timer of this run: record it fired; the rest happens once durable. */
  due(entry: TimerEntry): void {
    const port = this.#port;
    if (port.phase() === 'loading' || port.failed()) {
      // The ledger is rebuilt from history once loaded; decide then.
      this.#dueWhileLoading.push(entry);
      return;
    }
    // A blocked run records nothing. The entry stays in flight, so the timer
    // service does not hand it out again before a reopen with fixed code.
    if (port.phase() === 'blocked') return;
    const timer = port.ledger().timers.get(entry.timerId);
    if (timer === undefined || port.ended()) {
      port.core.timerReleased(entry);
      return;
    }
    if (timer.kind === 'execution') {
      if (port.phase() === 'ending') return;
      // The timer fired (first recorded wins): record that, not its
      // cancellation among the run's other open timers at the end.
      port.record({ type: 'TimerFired', timerId: entry.timerId, fireAt: entry.fireAt });
      // A failed write is handled where it fails (see `lost`): the timer
      // is handed out again once the run is rebuilt.
      port.end({ type: 'WorkflowTimedOut', reason: 'execution timeout' }).catch(() => undefined);
      return;
    }
    port.record({ type: 'TimerFired', timerId: entry.timerId, fireAt: entry.fireAt });
  }

  /**
   * Takes the timers that came due while the run was loading. The caller
   * takes them in the same turn as the phase changes, so none is lost, and
   * hands each to {@link RunTimers.due} once the run is live.
   */
  takeDueWhileLoading(): TimerEntry[] {
    return this.#dueWhileLoading.splice(0);
  }

  /** An event of this run is durable: the timer service learns of its timer, if any. */
  durable(event: HistoryEvent): void {
    if (event.type === 'TimerStarted') this.#port.core.timers.notify(event.fireAt);
    else if (event.type === 'TimerFired' || event.type === 'TimerCancelled') {
      this.#port.core.timerReleased(event);
    }
  }

  /** A failed commit lost these events: a timer whose firing was lost is due again. */
  lost(events: readonly HistoryEvent[]): void {
    const { core } = this.#port;
    for (const event of events) {
      if (event.type !== 'TimerFired') continue;
      core.timerReleased(event);
      core.timers.notify(event.fireAt);
    }
  }
}
