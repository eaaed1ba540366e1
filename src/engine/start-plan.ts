import { InvalidArgumentError, assertValidId, checkPayload, parseDuration } from '../core/index.js';
import type { Clock, Duration, IdFactory } from '../core/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { Registry } from './registry.js';

/** Options of `engine.start`. */
export interface StartOptions {
  /** @default a new ULID */
  readonly workflowId?: string;
  /** Overrides the definition's `executionTimeout`. */
  readonly executionTimeout?: Duration;
  /** Return the running run's handle instead of rejecting with `WORKFLOW_ALREADY_STARTED`. @default false */
  readonly idempotent?: boolean;
}

/** A validated start, before its run id is drawn. */
export interface StartPlan {
  readonly def: WorkflowDefinition;
  readonly input: unknown;
  readonly workflowId: string;
  readonly timeoutMs: number | undefined;
}

/** What validating a start needs from the engine. */
export interface StartPlanContext {
  readonly registry: Registry;
  readonly ids: IdFactory;
  readonly clock: Clock;
  readonly maxPayloadBytes: number;
}

/**
 * Validates a start before anything is read or written, so that bad input
 * fails with a typed error and leaves the store as it was.
 */
export function planStart(
  context: StartPlanContext,
  workflow: WorkflowDefinition | string,
  input: unknown,
  options: StartOptions,
): StartPlan {
  const def = resolveWorkflow(context.registry, workflow);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('start options must be an object');
  }
  if (options.workflowId !== undefined) assertValidId(options.workflowId, 'workflowId');
  if (options.idempotent !== undefined && typeof options.idempotent !== 'boolean') {
    throw new InvalidArgumentError('idempotent must be a boolean');
  }
  const timeout = options.executionTimeout ?? def.options.executionTimeout;
  const timeoutMs = timeout === undefined ? undefined : parseDuration(timeout, 'executionTimeout');
  checkPayload(input, context.maxPayloadBytes, 'workflow input');
  const workflowId = options.workflowId ?? context.ids(context.clock.now());
  return { def, input, workflowId, timeoutMs };
}

/**
 * The registered definition a start names. A definition object must be the
 * one registered under its name: two definitions sharing a name would replay
 * each other's histories.
 */
function resolveWorkflow(
  registry: Registry,
  workflow: WorkflowDefinition | string,
): WorkflowDefinition {
  if (typeof workflow === 'string') return registry.workflow(workflow);
  if (workflow?.kind !== 'workflow') {
    throw new InvalidArgumentError('start needs a workflow definition or a registered type name');
  }
  const registered = registry.workflow(workflow.name);
  if (registered !== workflow) {
    throw new InvalidArgumentError(
      `a different workflow definition is registered as '${workflow.name}'`,
    );
  }
  return registered;
}
