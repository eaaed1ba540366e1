import {
  createActor,
  type ActorLogic,
  type AnyActorRef,
  type EventObject,
  type Snapshot,
} from 'xstate';
import type { CoreEffect, CoreEvent, Stamp } from './core-state.js';
import type { ResolvedChild } from './resolve-spec.js';
import type { SupervisionEvent } from './supervisor-events.js';
import type { StartInfo } from './supervisor-spec.js';
import type { LiveChild, SupervisorRuntime } from './supervisor-runtime.js';

type Effect<K extends CoreEffect<ResolvedChild>['type']> = Extract<
  CoreEffect<ResolvedChild>,
  { type: K }
>;
type Feedback = CoreEvent<ResolvedChild> | undefined;

/**
 * What the child effects need of the supervisor actor.
 *
 * @example
 * ```ts
 * const scope: EffectScope = { self: actorScope.self, stopChild: actorScope.stopChild };
 * ```
 */
export interface EffectScope {
  readonly self: AnyActorRef;
  readonly stopChild: (child: AnyActorRef) => void;
}

/**
 * The input a parent supervisor passes to a nested supervisor actor.
 *
 * @example
 * ```ts
 * const input: NestedInput = { path: ['root', 'pool'], clock, random: Math.random, reportError };
 * ```
 */
export interface NestedInput {
  readonly path: readonly string[];
  readonly clock: SupervisorRuntime['clock'];
  readonly random: () => number;
  readonly reportError: (error: unknown) => void;
}

const stamp = (rt: SupervisorRuntime): { now: number; entropy: number } => ({
  now: rt.clock.now(),
  entropy: 0,
});

const isThenable = (value: unknown): value is PromiseLike<unknown> =>
  typeof value === 'object' &&
  value !== null &&
  typeof (value as { then?: unknown }).then === 'function';

/**
 * Starts one incarnation of a child actor as a child of the supervisor
 * actor. With `parent` set, XState relays the child's end to the supervisor
 * as `xstate.error.actor.<id>` / `xstate.done.actor.<id>` once the child has
 * fully stopped, including for errors thrown while starting.
 *
 * @example
 * ```ts
 * spawnChild(rt, scope, effect);
 * ```
 */
export function spawnChild(
  rt: SupervisorRuntime,
  scope: EffectScope,
  effect: Effect<'spawn'>,
): void {
  const { id, incarnation, spec } = effect;
  const path = [...rt.path, id];
  let actor: AnyActorRef;
  try {
    const input: unknown =
      spec.kind === 'supervisor'
        ? ({
            path,
            clock: rt.clock,
            random: rt.random,
            reportError: rt.reportError,
          } satisfies NestedInput)
        : typeof spec.input === 'function'
          ? (spec.input as (info: StartInfo) => unknown)({
              id,
              path,
              restarts: effect.restarts,
              lastError: effect.lastError,
            })
          : spec.input;
    const systemId = spec.systemId === undefined ? {} : { systemId: spec.systemId };
    actor = createActor(spec.logic, { id, input, parent: scope.self, ...systemId });
  } catch (error) {
    // A child that cannot even be created (its input function threw, its
    // systemId is taken) is a child that crashed at start: a stand-in actor
    // in status 'error' takes its place, so every start failure travels the
    // one crash path and is restarted, counted and escalated like any other.
    actor = createActor(failedStart(error), { id, parent: scope.self });
  }
  const entry: LiveChild = {
    ref: actor,
    incarnation,
    subscriptions: [],
    cancelTimeout: undefined,
    abort: undefined,
    hookPending: false,
    reported: false,
  };
  rt.live.set(id, entry);
  if (spec.kind === 'supervisor') {
    entry.subscriptions.push(actor.on('*', (event) => rt.emit(event as SupervisionEvent)));
  }
  actor.start();
}

/**
 * Turns XState's relay of a child's end into a core `exit`, once per
 * incarnation. The relay names the child id only, so the live entry's own
 * snapshot decides: a relay for an incarnation the supervisor already
 * replaced finds an active actor (or one already reported) and is dropped.
 *
 * @example
 * ```ts
 * const exit = exitOf(rt, 'ingest', stamp);
 * ```
 */
export function exitOf(rt: SupervisorRuntime, id: unknown, stamp: Stamp): Feedback {
  const entry = typeof id === 'string' ? rt.live.get(id) : undefined;
  if (entry === undefined || entry.reported) return undefined;
  const snapshot = entry.ref.getSnapshot() as { status: string; output: unknown; error: unknown };
  if (snapshot.status !== 'error' && snapshot.status !== 'done') return undefined;
  entry.reported = true;
  const failed = snapshot.status === 'error';
  return {
    type: 'exit',
    id: entry.ref.id,
    incarnation: entry.incarnation,
    failed,
    error: failed ? snapshot.error : undefined,
    output: failed ? undefined : snapshot.output,
    ...stamp,
  };
}

const failedStart = (error: unknown): ActorLogic<Snapshot<undefined>, EventObject, unknown> => ({
  transition: (snapshot) => snapshot,
  getInitialSnapshot: () => {
    throw error;
  },
  getPersistedSnapshot: (snapshot) => snapshot,
});

/**
 * Begins an orderly termination. A worker without a shutdown hook is
 * stopped at once (the `terminated` feedback is returned synchronously); a
 * hook or a nested supervisor's own shutdown answers later, bounded by the
 * child's shutdown timeout on the supervisor's clock.
 *
 * @example
 * ```ts
 * const feedback = terminateChild(rt, scope, effect);
 * ```
 */
export function terminateChild(
  rt: SupervisorRuntime,
  scope: EffectScope,
  effect: Effect<'terminate'>,
): Feedback {
  const { id, incarnation, spec } = effect;
  const entry = rt.live.get(id);
  const now = (timedOut: boolean, error: unknown): Feedback => ({
    type: 'terminated',
    id,
    incarnation,
    timedOut,
    error,
    ...stamp(rt),
  });
  const active = (entry?.ref.getSnapshot() as { status?: string } | undefined)?.status === 'active';
  if (entry === undefined || entry.incarnation !== incarnation || !active)
    return now(false, undefined);
  const later = (timedOut: boolean, error: unknown): void => {
    if (rt.live.get(id) !== entry || rt.ended) return;
    scope.self.send({ type: 'supervisor.terminated', id, incarnation, timedOut, error });
  };
  if (spec.kind === 'supervisor') {
    entry.ref.send({ type: 'supervisor.stop' });
  } else if (spec.shutdown !== undefined) {
    const controller = new AbortController();
    entry.abort = controller;
    let result: unknown;
    try {
      result = spec.shutdown(entry.ref, controller.signal);
    } catch (error) {
      return now(false, error);
    }
    if (!isThenable(result)) return now(false, undefined);
    entry.hookPending = true;
    const settle = (error: unknown): void => {
      entry.hookPending = false;
      later(false, error);
    };
    void Promise.resolve(result).then(
      () => settle(undefined),
      (error: unknown) => settle(error),
    );
  } else {
    return now(false, undefined);
  }
  if (spec.shutdownTimeoutMs !== Infinity) {
    entry.cancelTimeout = rt.clock.schedule(rt.clock.now() + spec.shutdownTimeoutMs, () =>
      later(true, undefined),
    );
  }
  return undefined;
}

/**
 * Stops a child's actor now (if still running) and releases everything the
 * supervisor holds for it. A stopped actor relays nothing to its parent, so
 * the stop is never mistaken for an exit; a nested supervisor's event
 * forwarder is removed last so the `stopped` events of its own children
 * still reach `events$`.
 *
 * @example
 * ```ts
 * killChild(rt, scope, { type: 'kill', id: 'a', incarnation: 1 });
 * ```
 */
export function killChild(rt: SupervisorRuntime, scope: EffectScope, effect: Effect<'kill'>): void {
  release(rt, scope, effect.id, effect.incarnation);
}

function release(rt: SupervisorRuntime, scope: EffectScope, id: string, incarnation: number): void {
  const entry = rt.live.get(id);
  if (entry === undefined || entry.incarnation !== incarnation) return;
  rt.live.delete(id);
  entry.cancelTimeout?.();
  if (entry.hookPending) entry.abort?.abort(new Error(`shutdown of '${id}' timed out`));
  try {
    scope.stopChild(entry.ref);
  } catch {
    // Stopping is synchronous and XState routes a failing stop to the child's
    // own error status; nothing here may leave the supervisor half-updated.
  }
  for (const subscription of entry.subscriptions) subscription.unsubscribe();
}
