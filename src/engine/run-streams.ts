import { Observable, Subject } from 'rxjs';
import { EngineClosedError, WorkflowNotFoundError, isTerminalEventType } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import type { EventStore } from '../store/index.js';
import { KeyedListeners } from './keyed-listeners.js';
import { outcomeOf } from './outcome-events.js';
import { missingTerminal } from './store-corruption.js';
import type { OutcomeNotice, TerminalOutcome } from './outcome-events.js';

const runKey = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`;

/**
 * The engine's hot streams and the per-run views built on them. Events are
 * pushed only after their batch is durable, so no subscriber ever sees what
 * a crash could take back. Subjects deliver synchronously in commit order: a
 * subscriber doing slow synchronous work delays the engine by that much, so
 * slow consumers should buffer on their side (e.g. `observeOn(asyncScheduler)`).
 */
export class RunStreams {
  readonly events = new Subject<HistoryEvent>();
  readonly outcomes = new Subject<OutcomeNotice>();
  readonly #store: () => EventStore;
  readonly #runEvents = new KeyedListeners<HistoryEvent>();
  readonly #runOutcomes = new KeyedListeners<TerminalOutcome>();
  /** Per-run subscribers still waiting; told `ENGINE_CLOSED` when the engine closes. */
  readonly #waiting = new Set<() => void>();
  #closed = false;
  #held: Array<{ events: readonly HistoryEvent[]; workflowType: string }> | undefined;

  constructor(store: () => EventStore) {
    this.#store = store;
  }

  /**
   * Holds publications back until {@link release}. `Engine.open` holds them
   * while recovery runs: a run that recovery ends must still reach an
   * `outcomes$` subscriber that subscribes as soon as `open` resolves.
   */
  hold(): void {
    this.#held ??= [];
  }

  /** Publishes what was held, in order, and stops holding. */
  release(): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    for (const { events, workflowType } of held) this.publish(events, workflowType);
  }

  /** Publishes durable events of one run, then its outcome if it ended. */
  publish(events: readonly HistoryEvent[], workflowType: string): void {
    if (this.#held !== undefined) {
      this.#held.push({ events, workflowType });
      return;
    }
    const first = events[0];
    if (first === undefined) return;
    const key = runKey(first.workflowId, first.runId);
    for (const event of events) {
      this.events.next(event);
      this.#runEvents.emit(key, event);
      if (isTerminalEventType(event.type)) {
        const outcome = outcomeOf(event);
        if (outcome !== undefined) {
          this.outcomes.next({
            workflowId: event.workflowId,
            runId: event.runId,
            workflowType,
            outcome,
          });
          this.#runOutcomes.emit(key, outcome);
        }
      }
    }
  }

  /** The durable terminal outcome of a run, or `undefined` while it runs. */
  async storedOutcome(workflowId: string, runId: string): Promise<TerminalOutcome | undefined> {
    const store = this.#store();
    const run = await store.getRun(workflowId, runId);
    if (run === undefined) throw new WorkflowNotFoundError(workflowId, runId);
    if (run.status === 'running') return undefined;
    const [last] = await store.readHistory(workflowId, runId, run.historyLength, run.historyLength);
    const outcome = last === undefined ? undefined : outcomeOf(last);
    // An ended run whose terminal event is gone would otherwise leave every
    // result() waiting for an outcome that already happened.
    if (outcome === undefined) throw missingTerminal(run);
    return outcome;
  }

  /** See `WorkflowHandle.outcome$`. */
  outcomeOf$(workflowId: string, runId: string): Observable<TerminalOutcome> {
    return new Observable<TerminalOutcome>((subscriber) => {
      let done = false;
      const emit = (outcome: TerminalOutcome): void => {
        if (done) return;
        done = true;
        subscriber.next(outcome);
        subscriber.complete();
      };
      const closed = this.#onClose(() => {
        if (done) return;
        done = true;
        subscriber.error(new EngineClosedError());
      });
      if (closed === undefined) return undefined;
      // Subscribe to live outcomes first, then read the store: whichever
      // sees the outcome first emits it, and nothing falls in between.
      const unlisten = this.#runOutcomes.add(runKey(workflowId, runId), emit);
      this.storedOutcome(workflowId, runId).then(
        (outcome) => {
          if (outcome !== undefined) emit(outcome);
        },
        (error: unknown) => {
          if (!done) subscriber.error(error);
        },
      );
      return () => {
        closed();
        unlisten();
      };
    });
  }

  /** See `WorkflowHandle.events$`. */
  eventsOf$(workflowId: string, runId: string): Observable<HistoryEvent> {
    return new Observable<HistoryEvent>((subscriber) => {
      let lastSeq = 0;
      let caughtUp = false;
      const pending: HistoryEvent[] = [];
      const emit = (event: HistoryEvent): void => {
        if (event.seq <= lastSeq || subscriber.closed) return;
        lastSeq = event.seq;
        subscriber.next(event);
        if (isTerminalEventType(event.type)) subscriber.complete();
      };
      const closed = this.#onClose(() => subscriber.error(new EngineClosedError()));
      if (closed === undefined) return undefined;
      const unlisten = this.#runEvents.add(runKey(workflowId, runId), (event) => {
        if (caughtUp) emit(event);
        else pending.push(event);
      });
      const store = this.#store();
      store
        .getRun(workflowId, runId)
        .then(async (run) => {
          if (run === undefined) throw new WorkflowNotFoundError(workflowId, runId);
          for (const event of await store.readHistory(workflowId, runId)) emit(event);
          caughtUp = true;
          for (const event of pending) emit(event);
          pending.length = 0;
        })
        .catch((error: unknown) => subscriber.error(error));
      return () => {
        closed();
        unlisten();
      };
    });
  }

  /**
   * Registers what a per-run subscriber does when the engine closes before
   * its run ends: without it, `result()` awaited across `close()` (or called
   * after it) would wait forever for an outcome no one will publish.
   *
   * @returns the removal, or `undefined` when the engine is closed already (it ran at once).
   */
  #onClose(onClose: () => void): (() => void) | undefined {
    if (this.#closed) {
      onClose();
      return undefined;
    }
    this.#waiting.add(onClose);
    return () => this.#waiting.delete(onClose);
  }

  /** Runs with a per-run subscriber (for leak checks). */
  get watchedRuns(): number {
    return Math.max(this.#runEvents.size, this.#runOutcomes.size);
  }

  complete(): void {
    this.#closed = true;
    this.events.complete();
    this.outcomes.complete();
    for (const onClose of [...this.#waiting]) onClose();
    this.#waiting.clear();
  }
}
