import { InvalidArgumentError, assertValidId, parseDuration } from '../core/index.js';
import type { Duration } from '../core/index.js';
import type { ActivityContext } from './activity-context.js';
import type { WorkflowContext } from './workflow-context.js';

/** A retry policy as users write it; every field has a default. */
export interface RetryOptions {
  /** Attempts in all, the first included. @default 3 */
  readonly maxAttempts?: number;
  /** Delay before the second attempt. @default 1000 */
  readonly initialIntervalMs?: number;
  /** Each delay is the previous one times this. @default 2 */
  readonly backoffCoefficient?: number;
  /** Cap on a single delay. @default 60000 */
  readonly maxIntervalMs?: number;
  /** Error names that stop retrying at once. @default [] */
  readonly nonRetryable?: readonly string[];
}

/** Options of an activity: on its definition, overridable per call. */
export interface ActivityOptions {
  readonly retry?: RetryOptions;
  /** Bounds one attempt; aborts `actx.signal` and fails it with `ACTIVITY_TIMEOUT`. */
  readonly timeoutMs?: number;
  /** Fails an attempt that stops heartbeating for this long (`HEARTBEAT_TIMEOUT`). */
  readonly heartbeatTimeoutMs?: number;
}

/** A side-effecting function registered by name. Create with {@link defineActivity}. */
export interface ActivityDefinition<I = unknown, O = unknown> {
  readonly kind: 'activity';
  readonly name: string;
  /** The side effect. (Method syntax keeps definitions assignable to `ActivityDefinition`.) */
  fn(input: I, actx: ActivityContext): Promise<O>;
  readonly options: ActivityOptions;
}

/** Options of a workflow definition. */
export interface WorkflowOptions {
  /** Ends a run `timedOut` when it runs longer than this. */
  readonly executionTimeout?: Duration;
}

/** A deterministic workflow function registered by name. Create with {@link defineWorkflow}. */
export interface WorkflowDefinition<I = unknown, O = unknown> {
  readonly kind: 'workflow';
  readonly name: string;
  /** The workflow body. (Method syntax keeps definitions assignable to `WorkflowDefinition`.) */
  fn(ctx: WorkflowContext, input: I): Promise<O>;
  readonly options: WorkflowOptions;
}

/**
 * Checks what every definition takes. The name is recorded in history and
 * keys the store's type index, so it follows the rules of ids.
 *
 * @throws InvalidArgumentError naming the first bad argument.
 */
function assertDefinition(name: unknown, fn: unknown, options: unknown, what: string): void {
  assertValidId(name, `${what} name`);
  if (typeof fn !== 'function')
    throw new InvalidArgumentError(`${what} '${name}' needs a function`);
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`the options of ${what} '${name}' must be an object`);
  }
}

/**
 * Defines an activity: the only place where workflow logic touches the
 * world. It runs at least once per scheduling; its result is recorded and
 * never recomputed on replay.
 *
 * @param name the registered name, recorded in history (keep it stable).
 * @param fn the side effect; receives the input and an {@link ActivityContext}.
 * @param options retry policy and timeouts (see {@link ActivityOptions}).
 * @example
 * ```ts
 * export const chargeCard = defineActivity('chargeCard', async (input: { cents: number }, actx) => {
 *   return { chargeId: `ch_${actx.idempotencyKey}` };
 * }, { retry: { maxAttempts: 5 } });
 * ```
 */
export function defineActivity<I, O>(
  name: string,
  fn: (input: I, actx: ActivityContext) => Promise<O>,
  options: ActivityOptions = {},
): ActivityDefinition<I, O> {
  assertDefinition(name, fn, options, 'activity');
  return Object.freeze({ kind: 'activity', name, fn, options });
}

/**
 * Defines a workflow: a deterministic async function whose only contact
 * with the world is its `ctx`. See docs/workflows.md for the rules.
 *
 * @param name the registered name, recorded in history (keep it stable).
 * @param fn the workflow body.
 * @param options e.g. `executionTimeout`.
 * @example
 * ```ts
 * export const greet = defineWorkflow('greet', async (ctx, name: string) => {
 *   await ctx.sleep('1s');
 *   return `hello ${name}`;
 * });
 * ```
 */
export function defineWorkflow<I, O>(
  name: string,
  fn: (ctx: WorkflowContext, input: I) => Promise<O>,
  options: WorkflowOptions = {},
): WorkflowDefinition<I, O> {
  assertDefinition(name, fn, options, 'workflow');
  if (options.executionTimeout !== undefined) {
    parseDuration(options.executionTimeout, 'executionTimeout');
  }
  return Object.freeze({ kind: 'workflow', name, fn, options });
}
