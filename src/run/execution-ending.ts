import { NondeterminismError } from '../core/index.js';
import type { EventOf, HistoryEvent } from '../core/index.js';
import { CancelledError, isApplicationFailure } from '../workflow/index.js';
import { describeShape, shapeOfEvent } from './command-shape.js';
import type { CommandShape } from './command-shape.js';
import { ContinueAsNewCommand } from './continue-as-new.js';
import type { ExecutionOutcome } from './execution-host.js';
import type { SignalInbox } from './signal-inbox.js';

/** What an {@link ExecutionEnding} needs from its execution. */
export interface ExecutionEndingPort {
  readonly started: EventOf<'WorkflowStarted'>;
  readonly signals: SignalInbox;
  /** The next recorded command the code has not issued again, if any. */
  unmatched(): HistoryEvent | undefined;
  /** Completions recorded but not handed to the code yet, in recorded order. */
  undelivered(): HistoryEvent[];
  /** The reason of the run's cancellation, once it reached the code. */
  cancelReason(): string | undefined;
}

/**
 * How an execution ends, once: the code returns or throws (checked against
 * its history first), the engine crashes it, or replay finds nondeterminism
 * and blocks it. The first of these settles the outcome; the rest are
 * ignored.
 */
export class ExecutionEnding {
  readonly #port: ExecutionEndingPort;
  #settled = false;
  #settle!: (outcome: ExecutionOutcome) => void;
  #fail!: (error: unknown) => void;
  /**
   * Resolves with the outcome (or `blocked` on nondeterminism); rejects
   * when the code crashes.
   */
  readonly outcome: Promise<ExecutionOutcome>;

  constructor(port: ExecutionEndingPort) {
    this.#port = port;
    this.outcome = new Promise<ExecutionOutcome>((resolve, reject) => {
      this.#settle = resolve;
      this.#fail = reject;
    });
    // A crash may reject the outcome while the host still awaits the end of
    // replay; the host observes it right after, so it is not unhandled.
    this.outcome.catch(() => undefined);
  }

  /** True once the code ended (or the run was blocked or crashed). */
  get settled(): boolean {
    return this.#settled;
  }

  /** The workflow function resolved with `result`. */
  returned(result: unknown): void {
    this.#finish({ type: 'completed', result });
  }

  /**
   * The workflow function rejected: a continue-as-new, a cancellation it
   * let through, an application failure, or else a crash of the code.
   */
  threw(error: unknown): void {
    const cancelReason = this.#port.cancelReason();
    if (error instanceof ContinueAsNewCommand) {
      this.#finish({
        type: 'continuedAsNew',
        input: error.input,
        workflowType: error.workflowType,
      });
    } else if (error instanceof CancelledError && cancelReason !== undefined) {
      this.#finish({ type: 'cancelled', reason: cancelReason });
    } else if (isApplicationFailure(error)) {
      this.#finish({ type: 'failed', error });
    } else if (!this.#settled) {
      this.#settled = true;
      this.#fail(error);
    }
  }

  /** Ends the execution as a crash from outside: the outcome rejects with `error`. */
  crash(error: unknown): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#fail(error);
  }

  /**
   * Replay found the code departing from its history at `seq`: the outcome
   * is `blocked`, with an actionable {@link NondeterminismError}.
   */
  block(
    seq: number,
    recorded: CommandShape | undefined,
    found: CommandShape | undefined,
    why: string,
  ): void {
    if (this.#settled) return;
    const { workflowId, runId, workflowType } = this.#port.started;
    const error = new NondeterminismError(
      `nondeterminism in ${workflowType} '${workflowId}' run ${runId} at seq ${seq}: ${why} ` +
        `(recorded: ${describeShape(recorded)}; code: ${describeShape(found)}). ` +
        'Check for code changes, reads of the clock, Math.random or I/O in workflow code.',
      { details: { workflowId, runId, seq, recorded, found } },
    );
    this.#settled = true;
    this.#settle({ type: 'blocked', error });
  }

  #finish(outcome: ExecutionOutcome): void {
    if (this.#settled) return;
    // Code that ends must have consumed every recorded command and every
    // recorded completion; otherwise it ended earlier than it did originally.
    const unmatched = this.#port.unmatched();
    if (unmatched !== undefined) {
      this.block(
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
    for (const event of this.#port.undelivered()) {
      if (event.type === 'SignalReceived') this.#port.signals.keep(event.name, event.payload);
    }
  }
}
