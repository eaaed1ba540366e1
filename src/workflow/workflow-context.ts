import type { Duration } from '../core/index.js';
import type { ActivityDefinition, ActivityOptions, WorkflowDefinition } from './definitions.js';

/** A cancellable durable timer, from `ctx.timer`. */
export interface DurableTimer {
  /** Resolves when the timer fires; rejects with `CancelledError` if cancelled. */
  readonly fired: Promise<void>;
  /** Cancels the timer (recorded); idempotent. */
  cancel(): void;
}

/** The cancellation state of a run, as the workflow code sees it. */
export interface CancellationState {
  readonly requested: boolean;
  readonly reason?: string;
  readonly signal: AbortSignal;
}

/** Options of `ctx.signal`. */
export interface SignalWaitOptions {
  /** Reject with `TimeoutError` if no signal arrives in time (a durable timer). */
  readonly timeout?: Duration;
}

/** What happens to a running child when its parent run ends. */
export type ParentClosePolicy = 'terminate' | 'cancel' | 'abandon';

/** Options of `ctx.child` / `ctx.startChild`. */
export interface ChildOptions {
  /** @default `${parentWorkflowId}/${childOrdinal}` */
  readonly workflowId?: string;
  /** @default 'terminate' */
  readonly parentClosePolicy?: ParentClosePolicy;
  readonly executionTimeout?: Duration;
}

/** A started child workflow. */
export interface ChildHandle<O> {
  readonly workflowId: string;
  readonly runId: string;
  /** Resolves with the child's result (following continue-as-new), or rejects. */
  result(): Promise<O>;
}

/**
 * The workflow code's only door to the world. Every method is durable and
 * replay-safe: on replay it resolves from history without side effects.
 */
export interface WorkflowContext {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly parentRunId?: string;

  /** Schedules an activity and resolves with its recorded result. */
  activity<I, O>(def: ActivityDefinition<I, O>, input: I, options?: ActivityOptions): Promise<O>;
  /** A durable sleep. */
  sleep(duration: Duration): Promise<void>;
  /** A cancellable durable timer. */
  timer(duration: Duration): DurableTimer;
  /** The next not-yet-consumed signal of that name. */
  signal<T = unknown>(name: string, options?: SignalWaitOptions): Promise<T>;
  /** Registers a synchronous, read-only query handler. */
  onQuery<R>(name: string, handler: (...args: unknown[]) => R): void;
  /** Starts a child workflow and awaits its result. */
  child<I, O>(def: WorkflowDefinition<I, O>, input: I, options?: ChildOptions): Promise<O>;
  /** Starts a child workflow and resolves with its handle once started. */
  startChild<I, O>(
    def: WorkflowDefinition<I, O>,
    input: I,
    options?: ChildOptions,
  ): Promise<ChildHandle<O>>;
  /** Sends a signal to another workflow (recorded). */
  signalWorkflow(workflowId: string, name: string, payload?: unknown): Promise<void>;
  /** Ends this run and starts a fresh one under the same workflow id. */
  continueAsNew(input: unknown, options?: { readonly workflowType?: string }): never;
  /** A durable race between an operation and a timer; rejects with `TimeoutError`. */
  withTimeout<T>(promise: Promise<T>, duration: Duration): Promise<T>;
  /** The recorded time of the latest event delivered to the code (epoch ms). */
  now(): number;
  /** A seeded random number in [0, 1), the same on every replay. */
  random(): number;
  /** A seeded UUID (v4 format), the same on every replay. */
  uuid(): string;
  /** Whether `cancel()` was requested, and an AbortSignal that aborts then. */
  readonly cancellation: CancellationState;
}
