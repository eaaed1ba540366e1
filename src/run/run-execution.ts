import { NondeterminismError, checkPayload } from '../core/index.js';
import type { EventOf, HistoryEvent } from '../core/index.js';
import {
  ActivityFailedError,
  CancelledError,
  ChildWorkflowFailedError,
  isApplicationFailure,
} from '../workflow/index.js';
import type { WorkflowContext } from '../workflow/index.js';
import { describeShape, sameShape, shapeOfEvent } from './command-shape.js';
import type { CommandShape } from './command-shape.js';
import { ContinueAsNewCommand } from './continue-as-new.js';
import { createDeterministicRandom } from './deterministic-random.js';
import type { DeterministicRandom } from './deterministic-random.js';
import type { ExecutionHost, ExecutionInput, ExecutionOutcome } from './execution-host.js';
import { startedEventOf } from './execution-host.js';
import { SignalInbox } from './signal-inbox.js';
import { isCodeCompletion } from './code-completions.js';
import { CompletionWaiters } from './completion-waiters.js';
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
  readonly #completions: HistoryEvent[] = [];
  readonly #cancelledTimers = new Set<string>();
  readonly #activityTypes = new Map<number, string>();
  readonly #waiters = new CompletionWaiters();
  readonly #liveQueue: HistoryEvent[] = [];
  readonly #ordinals = { activity: 0, timer: 0, child: 0 };
  #commandCursor = 0;
  /** Index in `#completions` of the next recorded completion to deliver. */
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
  #lastTime: number;
  #settle!: (outcome: ExecutionOutcome) => void;
  #fail!: (error: unknown) => void;
  #settled = false;
  readonly #outcome: Promise<ExecutionOutcome>;
  readonly #replayed: Promise<void>;
  #markReplayed!: () => void;
  readonly #historyHead: number;

  constructor(input: ExecutionInput) {
    this.#input = input;
    this.#host = input.host;
    this.started = startedEventOf(input.history);
    this.#lastTime = this.started.recordedAt;
    this.random = createDeterministicRandom(this.started.workflowId, this.started.runId);
    for (const event of input.history) {
      if (shapeOfEvent(event) !== undefined) this.#commands.push(event);
      else if (isCodeCompletion(event)) this.#completions.push(event);
      else if (event.type === 'TimerCancelled') this.#cancelledTimers.add(event.timerId);
      if (event.type === 'ActivityScheduled')
        this.#activityTypes.set(event.activityId, event.activityType);
    }
    // Replay is over at once when history holds no completion to deliver.
    this.#replaying = this.#completions.length > 0;
    this.#historyHead = input.history[input.history.length - 1]?.seq ?? 0;
    this.#replayed = new Promise<void>((resolve) => (this.#markReplayed = resolve));
    this.#outcome = new Promise<ExecutionOutcome>((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    // A crash may reject the outcome while the host still awaits the end of
    // replay; the host observes it right after, so it is not unhandled.
    this.#outcome.catch(() => undefined);
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
    return this.#pumping || this.#liveQueue.length > 0;
  }

  /** True until every recorded completion has been delivered. */
  get replaying(): boolean {
    return this.#replaying;
  }

  /** True once the code ended (or the run was blocked). */
  get settled(): boolean {
    return this.#settled;
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
      (result) => this.#finish({ type: 'completed', result }),
      (error: unknown) => this.#finishWithError(error),
    );
    void this.#replay();
    return this.#outcome;
  }

  async #replay(): Promise<void> {
    try {
      await this.#replayAll();
    } finally {
      this.#replaying = false;
      this.#markReplayed();
    }
  }

  async #replayAll(): Promise<void> {
    for (let i = 0; i < this.#completions.length; i++) {
      await this.#host.yieldToMicrotasks();
      if (this.#settled) return;
      if (i === this.#completions.length - 1) this.#replaying = false;
      this.#replayIndex = i + 1;
      this.#deliverNow(this.#completions[i] as HistoryEvent);
    }
    this.#replaying = false;
    await this.#host.yieldToMicrotasks();
    if (this.#settled) return;
    const unmatched = this.#commands[this.#commandCursor];
    if (unmatched !== undefined) {
      this.#block(
        unmatched.seq,
        shapeOfEvent(unmatched),
        undefined,
        'the code never reached a recorded command',
      );
      return;
    }
    this.#caughtUp = true;
    this.#pump();
  }

  /** Resolves once replay is over (or the run ended or was blocked during it). */
  get replayed(): Promise<void> {
    return this.#replayed;
  }

  /**
   * Ends the execution as a crash from outside (an engine fault while
   * driving the run): `run()` rejects with `error`.
   */
  crash(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#fail(error);
  }

  /** Delivers a live completion, already durable, in recorded order. */
  deliver(event: HistoryEvent): void {
    // Events the replayed history already held were delivered by replay.
    if (event.seq <= this.#historyHead) return;
    if (this.#settled) {
      // A signal recorded after the code ended, before the run's terminal
      // event: no code will consume it, so it stays unconsumed (and
      // continue-as-new carries it into the next run).
      if (event.type === 'SignalReceived') this.signals.keep(event.name, event.payload);
      return;
    }
    this.#liveQueue.push(event);
    if (this.#caughtUp) this.#pump();
  }

  #pump(): void {
    if (this.#pumping || this.#liveQueue.length === 0) return;
    this.#pumping = true;
    void (async () => {
      try {
        while (this.#liveQueue.length > 0 && !this.#settled) {
          this.#deliverNow(this.#liveQueue.shift() as HistoryEvent);
          await this.#host.yieldToMicrotasks();
        }
      } finally {
        this.#pumping = false;
      }
    })();
  }

  #deliverNow(event: HistoryEvent): void {
    this.#lastTime = event.recordedAt;
    switch (event.type) {
      case 'ActivityCompleted':
        this.#resolve(`a${event.activityId}`, event.result);
        return;
      case 'ActivityFailed': {
        const type = this.#activityTypes.get(event.activityId) ?? 'unknown';
        this.#reject(
          `a${event.activityId}`,
          new ActivityFailedError(type, event.activityId, event.attempt, event.error),
        );
        return;
      }
      case 'TimerFired':
        this.#resolve(event.timerId, undefined);
        return;
      case 'SignalReceived':
        this.signals.arrive(event.name, event.payload);
        return;
      case 'WorkflowCancelRequested':
        this.#cancel(event.reason);
        return;
      case 'ChildWorkflowCompleted':
        this.#resolve(`c${event.childOrdinal}`, event.result);
        return;
      case 'ChildWorkflowFailed':
        this.#reject(
          `c${event.childOrdinal}`,
          new ChildWorkflowFailedError(event.childWorkflowId, event.error),
        );
        return;
      case 'ChildWorkflowCancelled':
        this.#reject(`c${event.childOrdinal}`, new CancelledError(event.reason));
        return;
      default:
        return;
    }
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

  #resolve(key: string, value: unknown): void {
    this.#waiters.resolve(key, value);
  }

  #reject(key: string, error: unknown): void {
    this.#waiters.reject(key, error);
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

  /**
   * Matches a command against history; returns `true` when it is live (the
   * caller must then hand it to the host), `false` when replayed. On a
   * mismatch the run is blocked and the returned promise never settles.
   */
  /** The recorded event the last replayed command matched. */
  lastMatched: HistoryEvent | undefined;

  matchCommand(shape: CommandShape): boolean | 'blocked' {
    if (this.#settled) return 'blocked';
    const recorded = this.#commands[this.#commandCursor];
    if (recorded !== undefined) {
      const recordedShape = shapeOfEvent(recorded);
      if (recordedShape === undefined || !sameShape(recordedShape, shape)) {
        this.#block(recorded.seq, recordedShape, shape, 'a command differs from the recorded one');
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
    if (this.#settled) return never;
    return this.#waiters.wait<T>(key);
  }

  /** Whether a workflow timer was cancelled in the recorded history. */
  timerCancelledInHistory(timerId: string): boolean {
    return this.#cancelledTimers.has(timerId);
  }

  /** Stops waiting for a key (a cancelled timer): its waiter rejects. */
  abandon(key: string, error: unknown): void {
    this.#reject(key, error);
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

  // ---- ending ----

  #finish(outcome: ExecutionOutcome): void {
    if (this.#settled) return;
    // Code that ends must have consumed every recorded command and every
    // recorded completion; otherwise it ended earlier than it did originally.
    const unmatched = this.#commands[this.#commandCursor];
    if (unmatched !== undefined) {
      this.#block(
        unmatched.seq,
        shapeOfEvent(unmatched),
        undefined,
        'the code ended before reaching a recorded command',
      );
      return;
    }
    // Completions recorded but not delivered yet are no sign of a change:
    // the original execution ended at the same delivery, with the same ones
    // still queued (a second signal committed in the batch that woke it, an
    // activity whose race was already lost). Commands are what must match.
    this.#keepUndeliveredSignals();
    this.#settled = true;
    this.#settle(outcome);
  }

  /**
   * Signals recorded but not yet handed to the code are unconsumed too:
   * buffer them (after those already buffered, in recorded order) so that
   * continue-as-new carries them into the next run.
   */
  #keepUndeliveredSignals(): void {
    const pending = [...this.#completions.slice(this.#replayIndex), ...this.#liveQueue];
    for (const event of pending) {
      if (event.type === 'SignalReceived') this.signals.keep(event.name, event.payload);
    }
  }

  #finishWithError(error: unknown): void {
    if (error instanceof ContinueAsNewCommand) {
      this.#finish({
        type: 'continuedAsNew',
        input: error.input,
        workflowType: error.workflowType,
      });
    } else if (error instanceof CancelledError && this.cancelReason !== undefined) {
      this.#finish({ type: 'cancelled', reason: this.cancelReason });
    } else if (isApplicationFailure(error)) {
      this.#finish({ type: 'failed', error });
    } else if (!this.#settled) {
      this.#settled = true;
      this.#fail(error);
    }
  }

  #block(
    seq: number,
    recorded: CommandShape | undefined,
    found: CommandShape | undefined,
    why: string,
  ): void {
    if (this.#settled) return;
    const { workflowId, runId, workflowType } = this.started;
    const error = new NondeterminismError(
      `nondeterminism in ${workflowType} '${workflowId}' run ${runId} at seq ${seq}: ${why} ` +
        `(recorded: ${describeShape(recorded)}; code: ${describeShape(found)}). ` +
        'Check for code changes, reads of the clock, Math.random or I/O in workflow code.',
      { details: { workflowId, runId, seq, recorded, found } },
    );
    this.#settled = true;
    this.#settle({ type: 'blocked', error });
  }
}
