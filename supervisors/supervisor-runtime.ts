import type { AnyActorRef, Subscription } from 'xstate';
import type { CancelScheduled, SupervisorClock } from './supervisor-clock.js';
import type { SupervisorError } from './supervisor-error.js';
import type { SupervisionEvent, SupervisionPath } from './supervisor-events.js';

/**
 * The answer to a command sent to a supervisor actor: the started child's
 * ref for `supervisor.startChild`, nothing for the others.
 *
 * @example
 * ```ts
 * const reply = (result: CommandResult) => {
 *   if (!result.ok) console.error(result.error.code);
 * };
 * ```
 */
export type CommandResult =
  | { readonly ok: true; readonly ref: AnyActorRef | undefined }
  | { readonly ok: false; readonly error: SupervisorError };

/**
 * One running incarnation of a child, as the edge holds it.
 *
 * @example
 * ```ts
 * const ref = runtime.live.get('a')?.ref;
 * ```
 */
export interface LiveChild {
  readonly ref: AnyActorRef;
  readonly incarnation: number;
  /** For a nested supervisor, its event forwarder. */
  readonly subscriptions: Subscription[];
  /** Its end was already handed to the core. */
  reported: boolean;
  cancelTimeout: CancelScheduled | undefined;
  abort: AbortController | undefined;
  hookPending: boolean;
}

/**
 * What a supervisor actor holds besides its snapshot: live actor refs,
 * timers and pending replies. Kept per actor in a WeakMap (the way XState's
 * own `fromPromise` keeps its AbortControllers) so the snapshot stays data.
 * @example
 * ```ts
 * const runtime: SupervisorRuntime | undefined = runtimeOf(supervisor.actor);
 * ```
 */
export interface SupervisorRuntime {
  readonly path: SupervisionPath;
  readonly clock: SupervisorClock;
  readonly random: () => number;
  readonly live: Map<string, LiveChild>;
  readonly timers: Set<CancelScheduled>;
  readonly replies: Map<number, (result: CommandResult) => void>;
  readonly emit: (event: SupervisionEvent) => void;
  readonly reportError: (error: unknown) => void;
  nextRequestId: number;
  ended: boolean;
}

const runtimes = new WeakMap<AnyActorRef, SupervisorRuntime>();

/**
 * Attaches a runtime to a supervisor actor.
 *
 * @example
 * ```ts
 * attachRuntime(actorScope.self, runtime);
 * ```
 */
export function attachRuntime(self: AnyActorRef, runtime: SupervisorRuntime): void {
  runtimes.set(self, runtime);
}

/**
 * The runtime of a supervisor actor, if `ref` is one.
 *
 * @example
 * ```ts
 * const runtime = runtimeOf(ref);
 * ```
 */
export function runtimeOf(ref: AnyActorRef): SupervisorRuntime | undefined {
  return runtimes.get(ref);
}

/**
 * The live actor of child `id` of supervisor actor `supervisor`.
 *
 * @param supervisor - A supervisor actor (made from `supervisorLogic`).
 * @param id - The child's id.
 * @returns The child's current actor, or `undefined` if it is not running.
 * @example
 * ```ts
 * childRef(supervisor.actor, 'ingest')?.send({ type: 'PING' });
 * ```
 */
export function childRef(supervisor: AnyActorRef, id: string): AnyActorRef | undefined {
  return runtimes.get(supervisor)?.live.get(id)?.ref;
}

/**
 * Calls a user reply callback; its exceptions never reach supervisor state.
 *
 * @example
 * ```ts
 * safeCall(() => reply(result), report);
 * ```
 */
export function safeCall(call: () => void, report: (error: unknown) => void): void {
  try {
    call();
  } catch (error) {
    report(error);
  }
}

/**
 * Reports an error thrown by a user callback without disturbing the caller:
 * rethrown on a fresh stack, as XState's `reportUnhandledError` does.
 *
 * @example
 * ```ts
 * reportCallbackError(new Error('listener failed'));
 * ```
 */
export function reportCallbackError(error: unknown): void {
  setTimeout(() => {
    throw error;
  });
}
