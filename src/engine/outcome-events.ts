import { AionError, ErrorCode, checkPayload, toErrorInfo } from '../core/index.js';
import type { ErrorInfo, EventBody, HistoryEvent } from '../core/index.js';
import type { ExecutionOutcome } from '../run/index.js';

/** Serializable description of why a run failed. */
export type WorkflowErrorInfo = ErrorInfo;

/** How a run ended, as `outcome$` and `outcomes$` report it. */
export type TerminalOutcome<O = unknown> =
  | { readonly type: 'completed'; readonly result: O }
  | { readonly type: 'failed'; readonly error: WorkflowErrorInfo }
  | { readonly type: 'cancelled'; readonly reason: string }
  | { readonly type: 'timedOut'; readonly reason: string }
  | { readonly type: 'terminated'; readonly reason: string }
  | {
      readonly type: 'continuedAsNew';
      readonly input: unknown;
      readonly workflowType?: string;
      readonly parentRunId: string;
      readonly nextRunId: string;
    };

/** One terminal outcome of one run, on `engine.outcomes$`. */
export interface OutcomeNotice {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly outcome: TerminalOutcome;
}

/** The terminal event body for what the code ended with. */
export function terminalBody(outcome: ExecutionOutcome, maxPayloadBytes: number): EventBody {
  switch (outcome.type) {
    case 'completed':
      try {
        checkPayload(outcome.result, maxPayloadBytes, 'workflow result');
      } catch (error) {
        return { type: 'WorkflowFailed', error: toErrorInfo(error) };
      }
      return { type: 'WorkflowCompleted', result: outcome.result };
    case 'failed':
      return { type: 'WorkflowFailed', error: toErrorInfo(outcome.error) };
    case 'cancelled':
      return { type: 'WorkflowCancelled', reason: outcome.reason };
    case 'blocked':
      return { type: 'WorkflowFailed', error: toErrorInfo(outcome.error) };
    case 'continuedAsNew':
      throw new AionError(ErrorCode.INVALID_ARGUMENT, 'continue-as-new needs the next run');
  }
}

/** The outcome a terminal event stands for, or `undefined` for other events. */
export function outcomeOf(event: HistoryEvent): TerminalOutcome | undefined {
  switch (event.type) {
    case 'WorkflowCompleted':
      return { type: 'completed', result: event.result };
    case 'WorkflowFailed':
      return { type: 'failed', error: event.error };
    case 'WorkflowCancelled':
      return { type: 'cancelled', reason: event.reason };
    case 'WorkflowTimedOut':
      return { type: 'timedOut', reason: event.reason };
    case 'WorkflowTerminated':
      return { type: 'terminated', reason: event.reason };
    case 'WorkflowContinuedAsNew':
      return {
        type: 'continuedAsNew',
        input: event.input,
        parentRunId: event.runId,
        nextRunId: event.nextRunId,
        ...(event.workflowType === undefined ? {} : { workflowType: event.workflowType }),
      };
    default:
      return undefined;
  }
}
