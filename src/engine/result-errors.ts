import { AionError, ErrorCode } from '../core/index.js';
import type { ErrorInfo } from '../core/index.js';
import type { TerminalOutcome } from './outcome-events.js';
import type { RunStreams } from './run-streams.js';

/** `result()` of a run that failed; `cause` is the recorded error. */
export class WorkflowFailedError extends AionError {
  override readonly name = 'WorkflowFailedError';
  readonly error: ErrorInfo;
  constructor(workflowId: string, error: ErrorInfo) {
    super(ErrorCode.WORKFLOW_FAILED, `workflow '${workflowId}' failed: ${error.message}`, {
      cause: error,
      details: { workflowId, code: error.code },
    });
    this.error = error;
  }
}

/** `result()` of a run that was cancelled. */
export class WorkflowCancelledError extends AionError {
  override readonly name = 'WorkflowCancelledError';
  constructor(workflowId: string, reason: string) {
    super(ErrorCode.WORKFLOW_CANCELLED, `workflow '${workflowId}' was cancelled: ${reason}`, {
      details: { workflowId, reason },
    });
  }
}

/** `result()` of a run that hit its execution timeout. */
export class WorkflowTimedOutError extends AionError {
  override readonly name = 'WorkflowTimedOutError';
  constructor(workflowId: string, reason: string) {
    super(ErrorCode.WORKFLOW_TIMED_OUT, `workflow '${workflowId}' timed out: ${reason}`, {
      details: { workflowId, reason },
    });
  }
}

/** `result()` of a run that was terminated. */
export class WorkflowTerminatedError extends AionError {
  override readonly name = 'WorkflowTerminatedError';
  constructor(workflowId: string, reason: string) {
    super(ErrorCode.WORKFLOW_TERMINATED, `workflow '${workflowId}' was terminated: ${reason}`, {
      details: { workflowId, reason },
    });
  }
}

/**
 * The value `result()` resolves with, or the typed error it rejects with.
 * `continuedAsNew` is followed by the caller, not mapped here.
 */
export function resultOf<O>(workflowId: string, outcome: TerminalOutcome<O>): O {
  switch (outcome.type) {
    case 'completed':
      return outcome.result;
    case 'failed':
      throw new WorkflowFailedError(workflowId, outcome.error);
    case 'cancelled':
      throw new WorkflowCancelledError(workflowId, outcome.reason);
    case 'timedOut':
      throw new WorkflowTimedOutError(workflowId, outcome.reason);
    case 'terminated':
      throw new WorkflowTerminatedError(workflowId, outcome.reason);
    case 'continuedAsNew':
      throw new AionError(ErrorCode.INVALID_ARGUMENT, 'continue-as-new must be followed');
  }
}

/**
 * What `result()` of a run settles with: the result of the last run of its
 * chain, following continue-as-new, or the typed error of how it ended.
 */
export async function chainResult(
  streams: RunStreams,
  workflowId: string,
  runId: string,
): Promise<unknown> {
  let current = runId;
  for (;;) {
    const outcome = await awaitOutcome(streams, workflowId, current);
    if (outcome.type !== 'continuedAsNew') return resultOf(workflowId, outcome);
    current = outcome.nextRunId;
  }
}

function awaitOutcome(
  streams: RunStreams,
  workflowId: string,
  runId: string,
): Promise<TerminalOutcome> {
  return new Promise<TerminalOutcome>((resolve, reject) => {
    const subscription = streams
      .outcomeOf$(workflowId, runId)
      .subscribe({ next: resolve, error: reject });
    void subscription;
  });
}
