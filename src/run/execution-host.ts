import type { EventOf, HistoryEvent } from '../core/index.js';
import type { ActivityDefinition, ActivityOptions, WorkflowDefinition } from '../workflow/index.js';
import type { TimerKind } from '../core/index.js';

/** A live activity command, handed to the host to record and start. */
export interface ActivityCommand {
  readonly activityId: number;
  readonly def: ActivityDefinition;
  readonly input: unknown;
  readonly options: ActivityOptions | undefined;
}

/** A live timer command: the host records `TimerStarted` and arms it. */
export interface TimerCommand {
  readonly timerId: string;
  readonly durationMs: number;
  readonly kind: TimerKind;
}

/** A live child-start command. */
export interface ChildCommand {
  readonly childOrdinal: number;
  readonly def: WorkflowDefinition;
  readonly input: unknown;
  readonly workflowId: string;
  readonly parentClosePolicy: 'terminate' | 'cancel' | 'abandon';
  readonly executionTimeoutMs: number | undefined;
}

/**
 * The side effects a {@link RunExecution} needs, provided by the engine.
 * `run/` never touches the store, timers or the wall clock itself: every
 * live command goes through here, and time comes from `now()`.
 */
export interface ExecutionHost {
  /** The engine clock (epoch ms); used only for live commands. */
  now(): number;
  /**
   * Resolves after pending microtasks have run (e.g. `setImmediate`), so
   * replay can deliver one completion at a time like the original run.
   */
  yieldToMicrotasks(): Promise<void>;
  /**
   * Refuses an activity command the host could not schedule (a type it does
   * not run, options that do not resolve) before the command takes an
   * ordinal, on replay as live: a refused command is never recorded, and
   * must leave no gap in the ordinals nor match a later command's record.
   * A host without it (a replay that only notes commands) refuses nothing.
   *
   * @throws AionError `UNKNOWN_ACTIVITY_TYPE`, `INVALID_ARGUMENT`.
   */
  checkActivity?(def: ActivityDefinition, options: ActivityOptions | undefined): void;
  /** Like {@link checkActivity}, for a child of a workflow type the host does not run. */
  checkChild?(def: WorkflowDefinition): void;
  /** Records `ActivityScheduled` and starts the first attempt. */
  scheduleActivity(command: ActivityCommand): void;
  /** Records `TimerStarted` and arms the timer. */
  startTimer(command: TimerCommand): void;
  /** Records `TimerCancelled` for a workflow timer. */
  cancelTimer(timerId: string): void;
  /** Records a signal to another workflow. */
  sendSignal(targetWorkflowId: string, name: string, payload: unknown): void;
  /** Records `ChildWorkflowStarted` with the child's start, atomically; returns the child's run id. */
  startChild(command: ChildCommand): string;
  /**
   * A cancellation request reached the code: the awaits of these activities
   * (scheduled, not completed) were rejected with `CancelledError`, so their
   * work is to be cancelled. Activities the code schedules from then on, a
   * compensation for one, are not.
   */
  cancelDelivered(activityIds: readonly number[]): void;
}

/** What a run's code ended with (a crash rejects instead). */
export type ExecutionOutcome =
  | { readonly type: 'completed'; readonly result: unknown }
  | { readonly type: 'failed'; readonly error: unknown }
  | { readonly type: 'cancelled'; readonly reason: string }
  | {
      readonly type: 'continuedAsNew';
      readonly input: unknown;
      readonly workflowType: string | undefined;
    }
  | { readonly type: 'blocked'; readonly error: Error };

/** The input of a run execution. */
export interface ExecutionInput {
  readonly definition: WorkflowDefinition;
  /** The run's recorded history; its first event is `WorkflowStarted`. */
  readonly history: readonly HistoryEvent[];
  readonly host: ExecutionHost;
  /** The engine's `maxPayloadBytes`, bounding what live commands record. @default 2 MiB */
  readonly maxPayloadBytes?: number;
}

/** The `WorkflowStarted` event of a history, or a clear error. */
export function startedEventOf(history: readonly HistoryEvent[]): EventOf<'WorkflowStarted'> {
  const first = history[0];
  if (first?.type !== 'WorkflowStarted') {
    throw new Error('a run history must begin with WorkflowStarted');
  }
  return first;
}
