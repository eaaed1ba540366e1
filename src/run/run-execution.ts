import { checkPayload } from '../core/index.js';
import type { EventOf, HistoryEvent } from '../core/index.js';
import { CancelledError } from '../workflow/index.js';
import type { WorkflowContext } from '../workflow/index.js';
import { sameShape, shapeOfEvent } from './command-shape.js';
import type { CommandShape } from './command-shape.js';
import { createDeterministicRandom } from './deterministic-random.js';
import type { DeterministicRandom } from './deterministic-random.js';
import type { ExecutionHost, ExecutionInput, ExecutionOutcome } from './execution-host.js';
import { startedEventOf } from './execution-host.js';
import { SignalInbox } from './signal-inbox.js';
import { deliverCompletion, isCodeCompletion } from './code-completions.js';
import type { CompletionTarget } from './code-completions.js';
import { CompletionFeed } from './completion-feed.js';
import { CompletionWaiters } from './completion-waiters.js';
import { ExecutionEnding } from './execution-ending.js';
import { QueryGate } from './query-gate.js';
import { createWorkflowContext } from './workflow-context-impl.js';

const never = new Promise<never>(() => undefined);

/**
 * Drives one run of a workflow function: replays its recorded history, then
 * continues live (SPEC section 3).
 *
 * Replay delivers recorded completions one at a time in history order and
 * lets the code's microtasks run between them, so `Promise.all` and
 * `Promise.race` observe the order of the original execution. Commands the
 * code issues are matched against recorded command events; a command with
 * no recorded counterpart is live only once every recorded completion has
 * been delivered, and then goes to the {@link ExecutionHost}.
 */
export class RunExecution {
  readonly started: EventOf<'WorkflowStarted'>;
  readonly random: DeterministicRandom;
  readonly signals = new SignalInbox();
  readonly #queryGate = new QueryGate();
  /** Query handlers by name. */
  readonly queries = this.#queryGate.handlers;
  #cancelController: AbortController | undefined;
  cancelReason: string | undefined;

  readonly #input: ExecutionInput;
  readonly #host: ExecutionHost;
  readonly #commands: HistoryEvent[] = [];
  readonly #cancelledTimers = new Set<string>();
  readonly #activityTypes = new Map<number, string>();
  readonly #waiters = new CompletionWaiters();
  readonly #ordinals = { activity: 0, timer: 0, child: 0 };
  #commandCursor = 0;
  #lastTime: number;
  readonly #historyHead: number;
  readonly #feed: CompletionFeed;
  readonly #ending: ExecutionEnding;
  /** What a delivered completion acts on (made once: delivery is a hot path). */
  readonly #target: CompletionTarget;

  constructor(input: ExecutionInput) {
    this.#input = input;
    this.#host = input.host;
    this.started = startedEventOf(input.history);
    this.#lastTime = this.started.recordedAt;
    this.random = createDeterministicRandom(this.started.workflowId, this.started.runId);
    const completions: HistoryEvent[] = [];
    for (const event of input.history) {
      if (shapeOfEvent(event) !== undefined) this.#commands.push(event);
      else if (isCodeCompletion(event)) completions.push(event);
      else if (event.type === 'TimerCancelled') this.#cancelledTimers.add(event.timerId);
      if (event.type === 'ActivityScheduled')
        this.#activityTypes.set(event.activityId, event.activityType);
    }
    this.#historyHead = input.history[input.history.length - 1]?.seq ?? 0;
    this.#feed = new CompletionFeed(completions, {
      yieldToMicrotasks: () => this.#host.yieldToMicrotasks(),
      settled: () => this.#ending.settled,
      deliver: (event) => this.#deliverNow(event),
      caughtUp: () => {
        const unmatched = this.#commands[this.#commandCursor];
        if (unmatched === undefined) return true;
        const why = 'the code never reached a recorded command';
        this.#ending.block(unmatched.seq, shapeOfEvent(unmatched), undefined, why);
        return false;
      },
    });
    this.#ending = new ExecutionEnding({
      started: this.started,
      signals: this.signals,
      unmatched: () => this.#commands[this.#commandCursor],
      undelivered: () => this.#feed.undelivered(),
      cancelReason: () => this.cancelReason,
    });
    this.#target = {
      waiters: this.#waiters,
      signals: this.signals,
      activityType: (activityId) => this.#activityTypes.get(activityId) ?? 'unknown',
      cancel: (reason) => this.#cancel(reason),
    };
  }

  /**
   * Aborts when cancellation is requested. Made on first use: most runs are
   * never cancelled and never read it.
   */
  get cancelSignal(): AbortSignal {
    if (this.#cancelController === undefined) {
      this.#cancelController = new AbortController();
      if (this.cancelReason !== undefined) {
        this.#cancelController.abort(new CancelledError(this.cancelReason));
      }
    }
    return this.#cancelController.signal;
  }

  /** True while completions wait to be delivered to the code. */
  get delivering(): boolean {
    return this.#feed.delivering;
  }

  /** True until every recorded completion has been delivered. */
  get replaying(): boolean {
    return this.#feed.replaying;
  }

  /** True once the code ended (or the run was blocked). */
  get settled(): boolean {
    return this.#ending.settled;
  }

  /** The recorded time of the latest event delivered to the code. */
  get now(): number {
    return this.#lastTime;
  }

  /**
   * Runs the workflow function to its end. Resolves with the outcome (or
   * `blocked` on nondeterminism); rejects when the code crashes.
   */
  run(): Promise<ExecutionOutcome> {
    const ctx: WorkflowContext = createWorkflowContext(this);
    const { definition } = this.#input;
    let body: Promise<unknown>;
    try {
      body = definition.fn(ctx, this.started.input);
    } catch (error) {
      body = Promise.reject(error);
    }
    body.then(
      (result) => this.#ending.returned(result),
      (error: unknown) => this.#ending.threw(error),
    );
    void this.#feed.replay();
    return this.#ending.outcome;
  }

  /** Resolves once replay is over (or the run ended or was blocked during it). */
  get replayed(): Promise<void> {
    return this.#feed.replayed;
  }

  /**
   * Ends the execution as a crash from outside (an engine fault while
   * driving the run): `run()` rejects with `error`.
   */
  crash(error: unknown): void {
    this.#ending.crash(error);
  }

  /** Delivers a live completion, already durable, in recorded order. */
  deliver(event: HistoryEvent): void {
    // Events the replayed history already held were delivered by replay.
    if (event.seq <= this.#historyHead) return;
    if (this.#ending.settled) {
      // A signal recorded after the code ended, before the run's terminal
      // event: no code will consume it, so it stays unconsumed (and
      // continue-as-new carries it into the next run).
      if (event.type === 'SignalReceived') this.signals.keep(event.name, event.payload);
      return;
    }
    this.#feed.push(event);
  }

  #deliverNow(event: HistoryEvent): void {
    this.#lastTime = event.recordedAt;
    deliverCompletion(event, this.#target);
  }

  #cancel(reason: string): void {
    if (this.cancelReason !== undefined) return;
    this.cancelReason = reason;
    // The activities the code awaits now, and only those, are cancelled: it
    // may schedule compensations once it sees the cancellation.
    const activityIds = this.#waiters
      .keys()
      .filter((key) => key.startsWith('a'))
      .map((key) => Number(key.slice(1)));
    this.#cancelController?.abort(new CancelledError(reason));
    this.#waiters.rejectAll(() => new CancelledError(reason));
    this.signals.cancelAll(new CancelledError(reason));
    this.#host.cancelDelivered(activityIds);
  }

  // ---- the command funnel: allocate -> match or record -> wait -> settle ----

  /** Allocates the next ordinal of a kind; synchronous, in call order. */
  nextOrdinal(kind: 'activity' | 'timer' | 'child'): number {
    return ++this.#ordinals[kind];
  }

  /**
   * Throws when the code issues a command from inside a query handler, and
   * remembers it: the query fails even if the handler swallowed the error
   * (or discarded the promise that carried it).
   */
  assertNotInQuery(what: string): void {
    this.#queryGate.assertNotInQuery(what);
  }

  /**
   * Validates a payload the code hands to a command, against the engine's
   * `maxPayloadBytes`. Replay checks it again, like every refusal: a command
   * refused live was never recorded, and must be refused on replay too, or
   * it would match the record of a later command.
   */
  checkPayload(value: unknown, what: string): void {
    checkPayload(value, this.#input.maxPayloadBytes, what);
  }

  /** The recorded event the last replayed command matched. */
  lastMatched: HistoryEvent | undefined;

  /**
   * Matches a command against history; returns `true` when it is live (the
   * caller must then hand it to the host), `false` when replayed. On a
   * mismatch the run is blocked and the returned promise never settles.
   */
  matchCommand(shape: CommandShape): boolean | 'blocked' {
    if (this.#ending.settled) return 'blocked';
    const recorded = this.#commands[this.#commandCursor];
    if (recorded !== undefined) {
      const recordedShape = shapeOfEvent(recorded);
      if (recordedShape === undefined || !sameShape(recordedShape, shape)) {
        const why = 'a command differs from the recorded one';
        this.#ending.block(recorded.seq, recordedShape, shape, why);
        return 'blocked';
      }
      this.#commandCursor++;
      this.lastMatched = recorded;
      return false;
    }
    // History holds no further command. A new one is live even while
    // recorded completions wait for delivery: events recorded before the
    // code first ran (a signal carried by continue-as-new, a signal sent
    // with the start) precede its first command, and a live command is
    // always appended after everything recorded, as it would have been.
    return true;
  }

  /** A promise settled when the completion keyed `key` is delivered. */
  waitFor<T>(key: string): Promise<T> {
    if (this.#ending.settled) return never;
    return this.#waiters.wait<T>(key);
  }

  /** Whether a workflow timer was cancelled in the recorded history. */
  timerCancelledInHistory(timerId: string): boolean {
    return this.#cancelledTimers.has(timerId);
  }

  /** Stops waiting for a key (a cancelled timer): its waiter rejects. */
  abandon(key: string, error: unknown): void {
    this.#waiters.reject(key, error);
  }

  get host(): ExecutionHost {
    return this.#host;
  }

  /** Remembers a live activity's type for error messages. */
  noteActivityType(activityId: number, type: string): void {
    this.#activityTypes.set(activityId, type);
  }

  /** A never-settling promise, returned once the run is blocked. */
  get blockedPromise(): Promise<never> {
    return never;
  }

  // ---- queries ----

  /**
   * Runs a query handler synchronously against the current state.
   *
   * @throws AionError QUERY_NOT_FOUND or QUERY_FAILED.
   */
  query(name: string, args: readonly unknown[]): unknown {
    return this.#queryGate.run(name, args);
  }
}
