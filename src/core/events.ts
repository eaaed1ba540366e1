import type { ErrorInfo } from './errors.js';

/** Identifies one run: a workflow id and a run id (a ULID). */
export interface RunRef {
  readonly workflowId: string;
  readonly runId: string;
}

/** The retry policy of an activity, as recorded when it is scheduled. */
export interface RetryPolicy {
  /** @default 3 */
  readonly maxAttempts: number;
  /** @default 1000 */
  readonly initialIntervalMs: number;
  /** @default 2 */
  readonly backoffCoefficient: number;
  /** @default 60000 */
  readonly maxIntervalMs: number;
  /** Error names that end retrying at once. @default [] */
  readonly nonRetryable: readonly string[];
}

/** Activity options after defaults are applied; recorded in `ActivityScheduled`. */
export interface ResolvedActivityOptions {
  readonly retry: RetryPolicy;
  readonly timeoutMs?: number;
  readonly heartbeatTimeoutMs?: number;
}

/** Why a durable timer exists. */
export type TimerKind = 'sleep' | 'timer' | 'signal-timeout' | 'timeout' | 'retry' | 'execution';

/** Fields of each history event, without the envelope. SPEC section 2. */
export type EventBody =
  | {
      readonly type: 'WorkflowStarted';
      readonly workflowType: string;
      readonly input: unknown;
      readonly parent?: RunRef;
      readonly previousRunId?: string;
      readonly version: number;
      readonly executionTimeoutAt?: number;
    }
  | { readonly type: 'WorkflowCompleted'; readonly result: unknown }
  | { readonly type: 'WorkflowFailed'; readonly error: ErrorInfo }
  | { readonly type: 'WorkflowCancelRequested'; readonly reason: string }
  | { readonly type: 'WorkflowCancelled'; readonly reason: string }
  | { readonly type: 'WorkflowTerminated'; readonly reason: string }
  | { readonly type: 'WorkflowTimedOut'; readonly reason: string }
  | {
      readonly type: 'WorkflowContinuedAsNew';
      readonly input: unknown;
      readonly workflowType?: string;
      readonly nextRunId: string;
    }
  | {
      readonly type: 'ActivityScheduled';
      readonly activityId: number;
      readonly activityType: string;
      readonly input: unknown;
      readonly options: ResolvedActivityOptions;
    }
  | {
      readonly type: 'ActivityFailed';
      readonly activityId: number;
      readonly attempt: number;
      readonly error: ErrorInfo;
      readonly retryable: boolean;
      readonly nextAttemptAt?: number;
      readonly heartbeatDetails?: unknown;
    }
  | {
      readonly type: 'ActivityCompleted';
      readonly activityId: number;
      readonly attempt: number;
      readonly result: unknown;
    }
  | { readonly type: 'ActivityCancelled'; readonly activityId: number }
  | {
      readonly type: 'TimerStarted';
      readonly timerId: string;
      readonly fireAt: number;
      readonly kind: TimerKind;
      readonly durationMs: number;
    }
  | { readonly type: 'TimerFired'; readonly timerId: string; readonly fireAt: number }
  | { readonly type: 'TimerCancelled'; readonly timerId: string; readonly fireAt: number }
  | { readonly type: 'SignalReceived'; readonly name: string; readonly payload: unknown }
  | {
      readonly type: 'SignalSent';
      readonly targetWorkflowId: string;
      readonly name: string;
      readonly payload: unknown;
    }
  | {
      readonly type: 'ChildWorkflowStarted';
      readonly childOrdinal: number;
      readonly childWorkflowId: string;
      readonly childRunId: string;
      readonly workflowType: string;
      readonly input: unknown;
      /** What happens to the child when this run ends first. */
      readonly parentClosePolicy: 'terminate' | 'cancel' | 'abandon';
    }
  | {
      readonly type: 'ChildWorkflowCompleted';
      readonly childOrdinal: number;
      readonly childWorkflowId: string;
      readonly result: unknown;
    }
  | {
      readonly type: 'ChildWorkflowFailed';
      readonly childOrdinal: number;
      readonly childWorkflowId: string;
      readonly error: ErrorInfo;
    }
  | {
      readonly type: 'ChildWorkflowCancelled';
      readonly childOrdinal: number;
      readonly childWorkflowId: string;
      readonly reason: string;
    };

/** The name of an event type. */
export type EventType = EventBody['type'];

/** The envelope every recorded event carries. */
export interface EventEnvelope {
  /** 1, 2, 3... contiguous per run. */
  readonly seq: number;
  /** Epoch ms from the engine clock when the event was recorded. */
  readonly recordedAt: number;
  readonly workflowId: string;
  readonly runId: string;
}

/** A recorded history event: the envelope plus the fields of its type. */
export type HistoryEvent = EventEnvelope & EventBody;

/** The history event of one type. */
export type EventOf<T extends EventType> = HistoryEvent & { readonly type: T };

/** Event types that end a run; exactly one per run. */
export const TERMINAL_EVENT_TYPES = [
  'WorkflowCompleted',
  'WorkflowFailed',
  'WorkflowCancelled',
  'WorkflowTerminated',
  'WorkflowTimedOut',
  'WorkflowContinuedAsNew',
] as const satisfies readonly EventType[];

/** A terminal event type. */
export type TerminalEventType = (typeof TERMINAL_EVENT_TYPES)[number];

const TERMINAL: ReadonlySet<string> = new Set(TERMINAL_EVENT_TYPES);

/** True when `type` ends a run. */
export function isTerminalEventType(type: string): type is TerminalEventType {
  return TERMINAL.has(type);
}

/** The status of a run: a projection of its history. */
export type WorkflowStatus =
  'running' | 'completed' | 'failed' | 'cancelled' | 'timedOut' | 'terminated' | 'continuedAsNew';

/** Every status, in a stable order. */
export const WORKFLOW_STATUSES: readonly WorkflowStatus[] = [
  'running',
  'completed',
  'failed',
  'cancelled',
  'timedOut',
  'terminated',
  'continuedAsNew',
];

const STATUS_OF_TERMINAL: Readonly<Record<TerminalEventType, WorkflowStatus>> = {
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowCancelled: 'cancelled',
  WorkflowTerminated: 'terminated',
  WorkflowTimedOut: 'timedOut',
  WorkflowContinuedAsNew: 'continuedAsNew',
};

/** The status a terminal event type leaves a run in. */
export function statusOfTerminal(type: TerminalEventType): WorkflowStatus {
  return STATUS_OF_TERMINAL[type];
}
