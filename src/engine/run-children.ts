import { ErrorCode } from '../core/index.js';
import type { EventBody, RunRef } from '../core/index.js';
import type { ChildCommand, OutstandingChild, WorkLedger } from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import type { EngineCore } from './engine-core.js';
import { newRunAppend } from './run-events.js';

/** An event to record, with the other run's append that commits with it. */
export interface ChildRecord {
  readonly body: EventBody;
  readonly extra?: RunAppend;
}

/** What starting a child records in its parent, and the child's run id. */
export interface ChildStart {
  readonly runId: string;
  readonly records: readonly ChildRecord[];
}

/**
 * Plans a child start: `ChildWorkflowStarted` in the parent and, in the same
 * atomic batch, the child's own `WorkflowStarted` (with its execution
 * timeout timer), so no crash can leave one without the other. A child id
 * that already has a running run is refused by recording the refusal, not
 * by throwing: replay must see the same refusal.
 *
 * During replay (`current` false) nothing is recorded; only a run id is drawn.
 */
export function planChildStart(
  core: EngineCore,
  parent: RunRef,
  command: ChildCommand,
  current: boolean,
): ChildStart {
  const def = core.registry.workflow(command.def.name);
  const runId = core.newRunId(core.clock.now());
  if (!current) return { runId, records: [] };
  // Field order is the recorded order (stored bytes stay the same).
  const started = (childRunId: string, parentClosePolicy: ChildCommand['parentClosePolicy']) =>
    ({
      type: 'ChildWorkflowStarted',
      childOrdinal: command.childOrdinal,
      childWorkflowId: command.workflowId,
      childRunId,
      workflowType: def.name,
      input: command.input,
      parentClosePolicy,
    }) as const;
  const running = core.runningRunId(command.workflowId);
  if (running !== undefined) {
    const refusal: EventBody = {
      type: 'ChildWorkflowFailed',
      childOrdinal: command.childOrdinal,
      childWorkflowId: command.workflowId,
      error: {
        name: 'WorkflowAlreadyStartedError',
        code: ErrorCode.WORKFLOW_ALREADY_STARTED,
        message: `workflow '${command.workflowId}' already has a running run '${running}'`,
      },
    };
    return {
      runId: running,
      records: [{ body: started(running, 'abandon') }, { body: refusal }],
    };
  }
  const child = newRunAppend({
    workflowId: command.workflowId,
    runId,
    workflowType: def.name,
    input: command.input,
    recordedAt: core.clock.now(),
    parent,
    executionTimeoutMs: command.executionTimeoutMs,
  });
  return { runId, records: [{ body: started(runId, command.parentClosePolicy), extra: child }] };
}

/** The outstanding child of a run with this workflow id (the latest started). */
export function findChild(
  ledger: WorkLedger,
  childWorkflowId: string,
): OutstandingChild | undefined {
  let child: OutstandingChild | undefined;
  for (const candidate of ledger.children.values()) {
    if (candidate.childWorkflowId === childWorkflowId) child = candidate;
  }
  return child;
}
