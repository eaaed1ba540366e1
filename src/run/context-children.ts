import { InvalidArgumentError, assertValidId, parseDuration } from '../core/index.js';
import type { ChildHandle, ChildOptions, WorkflowDefinition } from '../workflow/index.js';
import { assertOptions } from './command-refusal.js';
import type { RunExecution } from './run-execution.js';

/**
 * Starts a child workflow for `ctx.child` and `ctx.startChild`: checks the
 * call, allocates the child's ordinal, matches it against history, and
 * starts the child on the host when live.
 *
 * @returns the child's handle, or `undefined` when the run is blocked.
 * @throws InvalidArgumentError for a malformed call (no ordinal is allocated).
 */
export function startChildRun<I, O>(
  exec: RunExecution,
  def: WorkflowDefinition<I, O>,
  input: I,
  options: ChildOptions | undefined,
): { handle: ChildHandle<O> } | undefined {
  if (def?.kind !== 'workflow')
    throw new InvalidArgumentError('ctx.child needs a workflow definition');
  assertOptions(options, 'ctx.child');
  exec.checkPayload(input, 'child workflow input');
  const policy = options?.parentClosePolicy ?? 'terminate';
  if (policy !== 'terminate' && policy !== 'cancel' && policy !== 'abandon') {
    throw new InvalidArgumentError(`parentClosePolicy must be 'terminate', 'cancel' or 'abandon'`);
  }
  const timeout = options?.executionTimeout;
  const executionTimeoutMs =
    timeout === undefined ? undefined : parseDuration(timeout, 'executionTimeout');
  // A refused command allocates no ordinal: check a given id first.
  if (options?.workflowId !== undefined) assertValidId(options.workflowId, 'child workflowId');
  exec.host.checkChild?.(def);
  const childOrdinal = exec.nextOrdinal('child');
  const workflowId = options?.workflowId ?? `${exec.started.workflowId}/${childOrdinal}`;
  assertValidId(workflowId, 'child workflowId');
  const live = exec.matchCommand({ kind: 'child', ordinal: childOrdinal, name: def.name });
  if (live === 'blocked') return undefined;
  const result = exec.waitFor<O>(`c${childOrdinal}`);
  result.catch(() => undefined);
  let runId = '';
  if (live) {
    runId = exec.host.startChild({
      childOrdinal,
      def: def,
      input,
      workflowId,
      parentClosePolicy: policy,
      executionTimeoutMs,
    });
  } else if (exec.lastMatched?.type === 'ChildWorkflowStarted') {
    runId = exec.lastMatched.childRunId;
  }
  return { handle: { workflowId, runId, result: () => result } };
}
