import { createActor } from 'xstate';
import type { ActorLogic, ActorScope, AnyActorRef, EventObject, Snapshot } from 'xstate';

/**
 * What the engine supplies to a run actor: the lifecycle work. `run/` keeps
 * the shape and the engine provides the behaviour, so this module never
 * touches the store, timers or the clock.
 */
export interface RunActorHost {
  /** The actor of the current incarnation started; events for it go to `self`. */
  attach(self: { send(event: RunActorEvent): void }): void;
  /**
   * The actor `self` ended (done, crashed or stopped): what is still sent to
   * it would be dropped, so the host stops sending until a new incarnation
   * attaches.
   */
  detachActor(self: { send(event: RunActorEvent): void }): void;
  /** Loads history, replays it and runs the code live; resolves when the run ended. */
  execute(report: (phase: 'replaying' | 'running' | 'blocked') => void): Promise<void>;
  /** Starts one activity attempt. */
  attempt(request: AttemptSpawn): AttemptRun;
  /** An attempt finished (the actor has already released it). */
  attemptDone(output: AttemptOutput): void;
}

/** The request to start an attempt actor. */
export interface AttemptSpawn {
  readonly activityId: number;
  readonly attempt: number;
}

/** An attempt under way, as its actor drives it. */
export interface AttemptRun {
  /** Resolves with the attempt's output. */
  readonly output: Promise<AttemptOutput>;
  /** Aborts the attempt when its actor is stopped. */
  readonly abort: (reason: unknown) => void;
}

/** What an attempt actor resolves with. */
export interface AttemptOutput {
  readonly activityId: number;
  readonly attempt: number;
  readonly result: unknown;
}

/** Events a run actor accepts. */
export type RunActorEvent =
  | { readonly type: 'ATTEMPT.START'; readonly request: AttemptSpawn }
  | { readonly type: 'ATTEMPT.STOP'; readonly activityId: number; readonly attempt: number }
  | { readonly type: 'PHASE'; readonly phase: 'replaying' | 'running' | 'blocked' };

/** The name of an attempt child actor. */
export function attemptActorId(activityId: number, attempt: number): string {
  return `attempt:${activityId}.${attempt}`;
}

/** Where a run actor is in its lifecycle. */
export type RunActorPhase = 'loading' | 'running' | 'blocked' | 'done';

/** The run actor's snapshot: plain data, as XState expects. */
export type RunActorSnapshot = Snapshot<undefined> & { readonly phase: RunActorPhase };

type InternalEvent =
  | RunActorEvent
  | { readonly type: 'run.ended' }
  | { readonly type: 'run.crashed'; readonly error: unknown }
  | { readonly type: 'xstate.stop' }
  | (EventObject & {
      readonly output?: unknown;
      readonly error?: unknown;
      readonly actorId?: string;
    });

/** Live parts of one run actor, kept beside its snapshot (which stays data). */
interface Runtime {
  readonly host: RunActorHost;
  readonly attempts: Map<string, AnyActorRef>;
  /** Set once the actor ended: late phase reports have no one to tell. */
  ended: boolean;
}

const runtimes = new WeakMap<AnyActorRef, Runtime>();

import { attemptLogic } from './attempt-actor-logic.js';

const DONE = 'xstate.done.actor.attempt:';
const ERROR = 'xstate.error.actor.attempt:';

/** Parses `attempt:<activityId>.<attempt>` back to the request. */
function requestOf(id: string): AttemptSpawn {
  const [activityId, attempt] = id.slice('attempt:'.length).split('.').map(Number);
  return { activityId: activityId ?? 0, attempt: attempt ?? 0 };
}

type Scope = ActorScope<RunActorSnapshot, InternalEvent>;

function end(runtime: Runtime, scope: Scope): void {
  runtime.ended = true;
  runtime.host.detachActor(scope.self);
  for (const child of runtime.attempts.values()) scope.stopChild(child);
  runtime.attempts.clear();
}

/**
 * The run actor: one per resident run, an XState v5 actor whose lifecycle
 * is a small explicit state machine — `loading` (history read, replay under
 * way) -> `running` (live) -> `done`, or `blocked` on nondeterminism — with
 * activity attempts as its child actors (`fromPromise`), stopped with it.
 *
 * It is written as custom actor logic (a pure transition on a data snapshot,
 * effects deferred to the edge, the way XState's own `fromPromise` is
 * written) rather than with `createMachine`: the statechart interpreter cost
 * about 100 µs per three-activity run, most of the engine's per-run CPU.
 * An exception from the execution ends the actor in status `error` on
 * purpose: its supervisor decides (restart by replay, or crash loop).
 */
export const runActorLogic: ActorLogic<
  RunActorSnapshot,
  InternalEvent,
  { readonly host: RunActorHost }
> = {
  getInitialSnapshot(scope, input) {
    runtimes.set(scope.self, { host: input.host, attempts: new Map(), ended: false });
    return { status: 'active', output: undefined, error: undefined, phase: 'loading' };
  },

  start(_snapshot, scope) {
    const runtime = runtimes.get(scope.self);
    if (runtime === undefined) return;
    const { self } = scope;
    runtime.host.attach(self);
    runtime.host
      .execute((phase) => {
        if (!runtime.ended) self.send({ type: 'PHASE', phase });
      })
      .then(
        () => {
          if (!runtime.ended) self.send({ type: 'run.ended' });
        },
        (error: unknown) => {
          // A run ended from outside (termination, timeout) was stopped first:
          // its execution then settles into an actor that no longer listens.
          if (!runtime.ended) self.send({ type: 'run.crashed', error });
        },
      );
  },

  transition(snapshot, event, scope) {
    const runtime = runtimes.get(scope.self);
    if (runtime === undefined || snapshot.status !== 'active') return snapshot;
    switch (event.type) {
      case 'PHASE': {
        const { phase } = event as Extract<RunActorEvent, { type: 'PHASE' }>;
        return phase === 'replaying' ? snapshot : { ...snapshot, phase };
      }
      case 'ATTEMPT.START': {
        const { request } = event as Extract<RunActorEvent, { type: 'ATTEMPT.START' }>;
        const id = attemptActorId(request.activityId, request.attempt);
        if (runtime.attempts.has(id)) return snapshot;
        const child = createActor(attemptLogic, {
          id,
          parent: scope.self,
          input: { host: runtime.host, request },
        });
        runtime.attempts.set(id, child);
        scope.defer(() => child.start());
        return snapshot;
      }
      case 'ATTEMPT.STOP': {
        const stop = event as Extract<RunActorEvent, { type: 'ATTEMPT.STOP' }>;
        const id = attemptActorId(stop.activityId, stop.attempt);
        const child = runtime.attempts.get(id);
        if (child === undefined) return snapshot;
        runtime.attempts.delete(id);
        scope.stopChild(child);
        return snapshot;
      }
      case 'run.ended':
        end(runtime, scope);
        return { status: 'done', output: undefined, error: undefined, phase: 'done' };
      case 'run.crashed':
        end(runtime, scope);
        return {
          status: 'error',
          output: undefined,
          error: (event as { error: unknown }).error,
          phase: snapshot.phase,
        };
      case 'xstate.stop':
        end(runtime, scope);
        return { status: 'stopped', output: undefined, error: undefined, phase: snapshot.phase };
      default:
        return attemptEnded(snapshot, event, runtime, scope);
    }
  },

  getPersistedSnapshot: (snapshot) => snapshot,
};

/** An attempt child finished: release it, then tell the host (after the transition). */
function attemptEnded(
  snapshot: RunActorSnapshot,
  event: InternalEvent,
  runtime: Runtime,
  scope: Scope,
): RunActorSnapshot {
  const done = event.type.startsWith(DONE);
  if (!done && !event.type.startsWith(ERROR)) return snapshot;
  const id = event.type.slice((done ? DONE : ERROR).length - 'attempt:'.length);
  if (!runtime.attempts.delete(id)) return snapshot;
  const output: AttemptOutput = done
    ? (event as { output: AttemptOutput }).output
    : {
        ...requestOf(id),
        result: {
          ok: false,
          error: { name: 'Error', message: String((event as { error?: unknown }).error) },
        },
      };
  scope.defer(() => runtime.host.attemptDone(output));
  return snapshot;
}
