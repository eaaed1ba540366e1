import type { ActorLogic, ActorScope, ActorSystem, ActorSystemInfo, Snapshot } from 'xstate';
import {
  killChild,
  spawnChild,
  terminateChild,
  type EffectScope,
  type NestedInput,
} from './child-effects.js';
import type { CoreEffect, CoreEvent, CoreState, SupervisorExit } from './core-state.js';
import { initialCoreState } from './core-state.js';
import { step } from './core-step.js';
import { toCoreEvent } from './inbound-events.js';
import { resolveSupervisorSpec, type ResolvedChild } from './resolve-spec.js';
import { markSupervisorLogic } from './supervisor-brand.js';
import { wallClock } from './supervisor-clock.js';
import type { SupervisionEvent } from './supervisor-events.js';
import type { ChildSpec, SupervisorSpec } from './supervisor-spec.js';
import {
  attachRuntime,
  reportCallbackError,
  runtimeOf,
  safeCall,
  type CommandResult,
  type SupervisorRuntime,
} from './supervisor-runtime.js';

type AnyActorSystem = ActorSystem<ActorSystemInfo>;

/**
 * The core state of a supervisor actor, as found in its snapshot's `context`.
 *
 * @example
 * ```ts
 * const state: SupervisorState = supervisor.getSnapshot().context;
 * console.log(state.phase, state.children.length);
 * ```
 */
export type SupervisorState = CoreState<ResolvedChild>;

/**
 * A supervisor actor's snapshot: `active` while running, `done` after an
 * orderly shutdown, `error` after escalating, `stopped` if stopped abruptly.
 *
 * @example
 * ```ts
 * const { status, context } = supervisor.getSnapshot();
 * console.log(status, context.children.length);
 * ```
 */
export type SupervisorSnapshot = Snapshot<SupervisorExit> & { readonly context: SupervisorState };

/**
 * Commands a supervisor actor accepts; `reply` (optional) is called once
 * with the outcome. Any parent (a machine, a handle) may send them.
 *
 * @example
 * ```ts
 * supervisorRef.send({ type: 'supervisor.startChild', child: { id: 'job', logic } });
 * ```
 */
export type SupervisorCommand =
  | {
      readonly type: 'supervisor.startChild';
      readonly child: ChildSpec;
      readonly reply?: (result: CommandResult) => void;
    }
  | {
      readonly type: 'supervisor.stopChild';
      readonly id: string;
      readonly reply?: (result: CommandResult) => void;
    }
  | { readonly type: 'supervisor.stop'; readonly reply?: (result: CommandResult) => void };

/**
 * Events the supervisor sends itself; not for users.
 *
 * @example
 * ```ts
 * const tick: SupervisorInternalEvent = { type: 'supervisor.timer' };
 * ```
 */
export type SupervisorInternalEvent =
  | { readonly type: 'supervisor.init' }
  | { readonly type: 'supervisor.timer' }
  | {
      readonly type: 'supervisor.terminated';
      readonly id: string;
      readonly incarnation: number;
      readonly timedOut: boolean;
      readonly error: unknown;
    };

/**
 * Everything a supervisor actor receives.
 *
 * @example
 * ```ts
 * const event: SupervisorActorEvent = { type: 'supervisor.stop' };
 * ```
 */
export type SupervisorActorEvent = SupervisorCommand | SupervisorInternalEvent;

/**
 * Optional input of a supervisor actor; a parent supervisor passes its path,
 * clock and entropy so the whole tree shares them.
 * @example
 * ```ts
 * createActor(supervisorLogic({ id: 'pool' }), { input: { path: ['app', 'pool'] } });
 * ```
 */
export type SupervisorInput = Partial<NestedInput> | undefined;

/**
 * The XState actor logic of a supervisor.
 *
 * @example
 * ```ts
 * const logic: SupervisorLogic = supervisorLogic({ id: 'pool', children: [] });
 * ```
 */
export type SupervisorLogic = ActorLogic<
  SupervisorSnapshot,
  SupervisorActorEvent,
  SupervisorInput,
  AnyActorSystem,
  SupervisionEvent
>;

type Scope = ActorScope<SupervisorSnapshot, SupervisorActorEvent, AnyActorSystem, SupervisionEvent>;

const toSnapshot = (
  context: SupervisorState,
  exit: SupervisorExit | undefined,
): SupervisorSnapshot => {
  if (exit === undefined) return { status: 'active', output: undefined, error: undefined, context };
  switch (exit.reason) {
    case 'shutdown':
      return { status: 'done', output: exit, error: undefined, context };
    case 'escalated':
      return { status: 'error', output: undefined, error: exit.error, context };
    case 'killed':
      return { status: 'stopped', output: undefined, error: undefined, context };
  }
};

/**
 * Makes the XState actor logic of a supervisor. A supervisor is a genuine
 * XState actor: `createActor(supervisorLogic(spec)).start()`, spawn it from a
 * machine, or use it as the `logic` of another supervisor's child. Its
 * children are XState child actors (same system, `parent` set); it emits
 * {@link SupervisionEvent}s (`actor.on('crashed', ...)`), completes (`done`)
 * after an orderly `supervisor.stop`, and errors when it escalates, which
 * is how its parent learns it failed.
 *
 * @param spec - The supervisor's spec; validated here, once.
 * @returns Actor logic accepting {@link SupervisorCommand}s.
 * @throws SupervisorError `INVALID_SPEC`
 * @example
 * ```ts
 * import { createActor, fromPromise } from 'xstate';
 * import { supervisorLogic } from 'aion-ts/supervisors';
 *
 * const actor = createActor(
 *   supervisorLogic({ id: 'pool', children: [{ id: 'job', logic: fromPromise(async () => 42), restart: 'transient' }] }),
 * );
 * actor.on('exited', (e) => console.log(e.path.join('/'), e.output)); // pool/job 42
 * actor.start();
 * ```
 */
export function supervisorLogic(spec: SupervisorSpec): SupervisorLogic {
  const resolved = resolveSupervisorSpec(spec, supervisorLogic);
  const logic: SupervisorLogic = {
    config: resolved,
    getInitialSnapshot(scope, input) {
      const emit = scope.emit;
      const path = input?.path ?? [resolved.id];
      attachRuntime(scope.self, {
        path,
        clock: resolved.clock ?? input?.clock ?? wallClock(),
        random: resolved.random ?? input?.random ?? Math.random,
        live: new Map(),
        timers: new Set(),
        replies: new Map(),
        emit: (event) => emit(event),
        reportError: resolved.reportError ?? input?.reportError ?? reportCallbackError,
        nextRequestId: 0,
        ended: false,
      });
      const config = {
        path,
        strategy: resolved.strategy,
        intensity: resolved.intensity,
        backoff: resolved.backoff,
      };
      return toSnapshot(initialCoreState(config), undefined);
    },
    start(_snapshot, scope) {
      // Children start inside a transition (where stopChild and the mailbox
      // ordering are available), so starting only queues `init`.
      scope.self.send({ type: 'supervisor.init' });
    },
    transition(snapshot, event, scope) {
      const rt = runtimeOf(scope.self);
      if (rt === undefined || snapshot.status !== 'active') return snapshot;
      const first = toCoreEvent(event, rt, resolved, supervisorLogic);
      return first === undefined ? snapshot : run(snapshot.context, first, rt, scope);
    },
    getPersistedSnapshot: (snapshot) => snapshot,
  };
  return markSupervisorLogic(logic);
}

// Runs the core to quiescence: an effect that finishes synchronously (stopping
// a child that has no shutdown hook) feeds its answer straight back, so one
// XState transition covers a whole group restart or shutdown. Exits of
// children always come back through the mailbox, after XState has finished
// with the child.
function run(
  context: SupervisorState,
  first: CoreEvent<ResolvedChild>,
  rt: SupervisorRuntime,
  scope: Scope,
): SupervisorSnapshot {
  const effectScope: EffectScope = { self: scope.self, stopChild: scope.stopChild };
  const queue = [first];
  let state = context;
  let exit: SupervisorExit | undefined;
  for (let event = queue.shift(); event !== undefined; event = queue.shift()) {
    const [next, effects] = step(state, event);
    state = next;
    for (const effect of effects) {
      if (effect.type === 'finish') exit = effect.exit;
      const feedback = execute(effect, rt, effectScope);
      if (feedback !== undefined) queue.push(feedback);
    }
  }
  if (exit !== undefined) {
    rt.ended = true;
    for (const cancel of rt.timers) cancel();
    rt.timers.clear();
  }
  return toSnapshot(state, exit);
}

function execute(
  effect: CoreEffect<ResolvedChild>,
  rt: SupervisorRuntime,
  scope: EffectScope,
): CoreEvent<ResolvedChild> | undefined {
  switch (effect.type) {
    case 'spawn':
      spawnChild(rt, scope, effect);
      return undefined;
    case 'terminate':
      return terminateChild(rt, scope, effect);
    case 'kill':
      killChild(rt, scope, effect);
      return undefined;
    case 'schedule': {
      const cancel = rt.clock.schedule(effect.at, () => {
        rt.timers.delete(cancel);
        if (!rt.ended) scope.self.send({ type: 'supervisor.timer' });
      });
      rt.timers.add(cancel);
      return undefined;
    }
    case 'emit':
      rt.emit(effect.event);
      return undefined;
    case 'reply': {
      const reply = rt.replies.get(effect.requestId);
      rt.replies.delete(effect.requestId);
      if (reply === undefined) return undefined;
      const result: CommandResult = effect.reply.ok
        ? {
            ok: true,
            ref:
              effect.reply.childId === undefined
                ? undefined
                : rt.live.get(effect.reply.childId)?.ref,
          }
        : effect.reply;
      safeCall(() => reply(result), rt.reportError);
      return undefined;
    }
    case 'finish':
      return undefined;
  }
}
