import { emptyChildTable } from './child-table.js';
import type { ChildTable } from './child-table.js';
import { emptyQueue } from './event-queue.js';
import type { EventQueue } from './event-queue.js';
import type { SupervisorError } from './supervisor-error.js';
import type { SupervisionEvent, SupervisionPath } from './supervisor-events.js';
import type { Backoff, Intensity, RestartType, Strategy } from './supervisor-spec.js';

// The pure core's vocabulary. Everything here is plain data: the core is a
// function (state, event) -> [state, effects] and the XState logic in
// supervisor-logic.ts is the only place effects touch actors or the clock.

/**
 * A child's state as the core sees it.
 *
 * @example
 * ```ts
 * const status: ChildStatus = 'restarting';
 * ```
 */
export type ChildStatus = 'running' | 'restarting' | 'stopping';

/**
 * The core's record of one child; `S` is the opaque spec the edge spawns from.
 *
 * @example
 * ```ts
 * const restarts = getChild(state.children, 'a')?.restarts;
 * ```
 */
export interface CoreChild<S> {
  readonly id: string;
  readonly spec: S;
  readonly restart: RestartType;
  readonly intensity: Intensity | undefined;
  readonly status: ChildStatus;
  /** Bumped at every (re)start; exits of older incarnations are stale. */
  readonly incarnation: number;
  readonly restarts: number;
  /** This child's restart times inside its window (backoff exponent, per-child limit). */
  readonly recent: readonly number[];
  /** When a child waiting for its backoff is due. */
  readonly restartAt: number | undefined;
  readonly lastError: unknown;
}

/**
 * The supervisor's own lifecycle.
 *
 * @example
 * ```ts
 * const phase: Phase = 'running';
 * ```
 */
export type Phase = 'starting' | 'running' | 'stopping' | 'stopped' | 'escalated';

/**
 * What the core needs of the spec.
 *
 * @example
 * ```ts
 * const config: CoreConfig = { path: ['root'], strategy: 'one-for-one', intensity: { maxRestarts: 3, withinMs: 5_000 }, backoff: undefined };
 * ```
 */
export interface CoreConfig {
  readonly path: SupervisionPath;
  readonly strategy: Strategy;
  readonly intensity: Intensity;
  readonly backoff: Backoff | undefined;
}

/**
 * What to do once an operation's terminations are all done.
 *
 * @example
 * ```ts
 * const then: Continuation = { kind: 'shutdown', requestIds: [] };
 * ```
 */
export type Continuation =
  | { readonly kind: 'restart'; readonly group: readonly string[]; readonly trigger: string }
  | { readonly kind: 'remove'; readonly requestId: number | undefined }
  | { readonly kind: 'shutdown'; readonly requestIds: readonly number[] }
  | { readonly kind: 'escalate'; readonly error: SupervisorError };

/**
 * A sequence of child terminations (reverse start order) followed by a
 * continuation. Like an OTP supervisor blocked in `terminate_children`, the
 * core defers every other event until the operation completes.
 * @example
 * ```ts
 * const op: Operation = { queue: ['b', 'a'], next: 0, awaiting: undefined, then: { kind: 'shutdown', requestIds: [] } };
 * ```
 */
export interface Operation {
  readonly queue: readonly string[];
  /** Index of the next child in `queue` to terminate. */
  readonly next: number;
  readonly awaiting: { readonly id: string; readonly incarnation: number } | undefined;
  readonly then: Continuation;
}

/**
 * The whole core state.
 *
 * @example
 * ```ts
 * const state: CoreState<string> = initialCoreState(config);
 * ```
 */
export interface CoreState<S> {
  readonly config: CoreConfig;
  readonly phase: Phase;
  /** By id; iterates in start order, dynamic children last. */
  readonly children: ChildTable<CoreChild<S>>;
  /** Restart times inside the intensity window. */
  readonly restartLog: readonly number[];
  /** Restart operations performed since start. */
  readonly restarts: number;
  readonly op: Operation | undefined;
  /** Commands that arrived while an operation was under way, oldest first. */
  readonly deferred: EventQueue<CoreEvent<S>>;
}

/**
 * A new child handed to the core.
 *
 * @example
 * ```ts
 * const child: NewChild<string> = { id: 'a', spec: 'a-spec', restart: 'permanent', intensity: undefined };
 * ```
 */
export interface NewChild<S> {
  readonly id: string;
  readonly spec: S;
  readonly restart: RestartType;
  readonly intensity: Intensity | undefined;
}

/**
 * Time and entropy, sampled by the edge for every event.
 *
 * @example
 * ```ts
 * const stamp: Stamp = { now: clock.now(), entropy: 0 };
 * ```
 */
export interface Stamp {
  readonly now: number;
  /** In [0, 1); only used for backoff jitter. */
  readonly entropy: number;
}

/**
 * Inputs of the core.
 *
 * @example
 * ```ts
 * const event: CoreEvent<string> = { type: 'timer', now: 100, entropy: 0 };
 * ```
 */
export type CoreEvent<S> = Stamp &
  (
    | { readonly type: 'init'; readonly children: readonly NewChild<S>[] }
    | {
        readonly type: 'exit';
        readonly id: string;
        readonly incarnation: number;
        readonly failed: boolean;
        readonly error: unknown;
        readonly output: unknown;
      }
    | {
        readonly type: 'terminated';
        readonly id: string;
        readonly incarnation: number;
        readonly timedOut: boolean;
        readonly error: unknown;
      }
    | { readonly type: 'timer' }
    | { readonly type: 'start-child'; readonly child: NewChild<S>; readonly requestId: number }
    | { readonly type: 'stop-child'; readonly id: string; readonly requestId: number | undefined }
    | { readonly type: 'stop'; readonly requestId: number | undefined }
    | { readonly type: 'kill' }
  );

/**
 * How a supervisor ended.
 *
 * @example
 * ```ts
 * const exit: SupervisorExit = await supervisor.whenStopped();
 * if (exit.reason === 'escalated') console.error(exit.error.cause);
 * ```
 */
export type SupervisorExit =
  | { readonly reason: 'shutdown' }
  | { readonly reason: 'escalated'; readonly error: SupervisorError }
  | { readonly reason: 'killed' };

/**
 * The answer to a command.
 *
 * @example
 * ```ts
 * const reply: CoreReply = { ok: true, childId: 'a' };
 * ```
 */
export type CoreReply =
  | { readonly ok: true; readonly childId: string | undefined }
  | { readonly ok: false; readonly error: SupervisorError };

/**
 * Outputs of the core, executed in order by the edge.
 *
 * @example
 * ```ts
 * const effect: CoreEffect<string> = { type: 'schedule', at: 100 };
 * ```
 */
export type CoreEffect<S> =
  | {
      readonly type: 'spawn';
      readonly id: string;
      readonly incarnation: number;
      readonly spec: S;
      readonly restarts: number;
      readonly lastError: unknown;
    }
  | {
      readonly type: 'terminate';
      readonly id: string;
      readonly incarnation: number;
      readonly spec: S;
    }
  | { readonly type: 'kill'; readonly id: string; readonly incarnation: number }
  | { readonly type: 'schedule'; readonly at: number }
  | { readonly type: 'emit'; readonly event: SupervisionEvent }
  | { readonly type: 'reply'; readonly requestId: number; readonly reply: CoreReply }
  | { readonly type: 'finish'; readonly exit: SupervisorExit };

/**
 * The state of a supervisor that has not started yet.
 *
 * @param config - Path, strategy, intensity and backoff.
 * @returns A core state in phase `starting`.
 * @example
 * ```ts
 * initialCoreState({ path: ['root'], strategy: 'one-for-one', intensity, backoff: undefined });
 * ```
 */
export function initialCoreState<S>(config: CoreConfig): CoreState<S> {
  return {
    config,
    phase: 'starting',
    children: emptyChildTable(),
    restartLog: [],
    restarts: 0,
    op: undefined,
    deferred: emptyQueue(),
  };
}
