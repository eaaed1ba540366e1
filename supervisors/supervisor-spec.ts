import type { ActorRefFromLogic, AnyActorLogic, InputFrom } from 'xstate';
import type { SupervisorClock } from './supervisor-clock.js';

/**
 * How a supervisor reacts to a child that must be restarted (OTP names):
 * `one-for-one` restarts only that child; `one-for-all` stops every other
 * child (reverse start order) and restarts them all (start order);
 * `rest-for-one` does the same for the child and those started after it.
 *
 * @example
 * ```ts
 * const strategy: Strategy = 'rest-for-one';
 * ```
 */
export type Strategy = 'one-for-one' | 'one-for-all' | 'rest-for-one';

/**
 * When a child is restarted: `permanent` always (even after it completes
 * normally), `transient` only after it crashed, `temporary` never (it is
 * removed from the supervisor when it ends for any reason).
 *
 * @example
 * ```ts
 * const restart: RestartType = 'transient';
 * ```
 */
export type RestartType = 'permanent' | 'transient' | 'temporary';

/**
 * Restart intensity: more than `maxRestarts` restarts inside any sliding
 * window of `withinMs` milliseconds is too many.
 *
 * @example
 * ```ts
 * const intensity: Intensity = { maxRestarts: 3, withinMs: 5_000 };
 * ```
 */
export interface Intensity {
  /** @default 3 */
  readonly maxRestarts: number;
  /** @default 5000 */
  readonly withinMs: number;
}

/**
 * Exponential restart backoff. The n-th restart of a child inside the
 * intensity window (n = 0, 1, ...) waits `min(maxMs, initialMs * factor^n)`;
 * with `jitter` j in [0, 1] the wait is scaled by a random factor in
 * `[1 - j, 1]`.
 *
 * @example
 * ```ts
 * const backoff: Backoff = { initialMs: 100, maxMs: 10_000, factor: 2 };
 * ```
 */
export interface Backoff {
  readonly initialMs: number;
  readonly maxMs: number;
  readonly factor: number;
  /** @default 0 (no jitter) */
  readonly jitter?: number;
}

/**
 * What a child's `input` function receives at each (re)start.
 *
 * @example
 * ```ts
 * const input = (info: StartInfo) => ({ attempt: info.restarts + 1 });
 * ```
 */
export interface StartInfo {
  /** The child's id. */
  readonly id: string;
  /** The child's path from the root supervisor, root id first. */
  readonly path: readonly string[];
  /** How many times the child has been restarted so far (0 at first start). */
  readonly restarts: number;
  /** The error of the child's last crash, if it crashed. */
  readonly lastError: unknown;
}

/**
 * A shutdown hook: runs when the supervisor stops a running child, before the
 * actor is stopped, bounded by the child's `shutdownTimeoutMs`. `signal`
 * aborts when the timeout expires.
 *
 * @example
 * ```ts
 * const shutdown: ShutdownHook = async (ref, signal) => {
 *   ref.send({ type: 'flush' });
 *   await new Promise((resolve) => setTimeout(resolve, 10));
 * };
 * ```
 */
export type ShutdownHook<TLogic extends AnyActorLogic = AnyActorLogic> = (
  ref: ActorRefFromLogic<TLogic>,
  signal: AbortSignal,
) => void | Promise<void>;

/**
 * A child running any XState v5 actor logic.
 *
 * @example
 * ```ts
 * const child: WorkerSpec = { id: 'ingest', logic: ingestMachine, input: {}, restart: 'permanent' };
 * ```
 */
export interface WorkerSpec<TLogic extends AnyActorLogic = AnyActorLogic> {
  /** Unique among the supervisor's children. */
  readonly id: string;
  /** Machine, `fromPromise`, `fromCallback`, `fromObservable`, or a `supervisorLogic`. */
  readonly logic: TLogic;
  /**
   * The actor's input; a function is called at every (re)start so a restarted
   * child is rebuilt with fresh input. If it throws, the start counts as a crash.
   */
  readonly input?: InputFrom<TLogic> | ((info: StartInfo) => InputFrom<TLogic>);
  /** @default 'permanent' */
  readonly restart?: RestartType;
  /**
   * Optional per-child limit: past it the child is given up on (removed, not
   * restarted) instead of counting further against the supervisor.
   */
  readonly intensity?: Intensity;
  /** Runs before the supervisor stops this child (see {@link ShutdownHook}). */
  readonly shutdown?: ShutdownHook<TLogic>;
  /** @default the supervisor's `shutdownTimeoutMs` (5000) */
  readonly shutdownTimeoutMs?: number;
  /** Registers the actor under this id in the XState system. */
  readonly systemId?: string;
}

/**
 * A nested supervisor child; it is itself an XState actor.
 *
 * @example
 * ```ts
 * const child: SupervisorChildSpec = {
 *   id: 'workers',
 *   supervisor: { strategy: 'one-for-all', children: [] },
 * };
 * ```
 */
export interface SupervisorChildSpec {
  readonly id: string;
  readonly supervisor: SupervisorOptions;
  /** @default 'permanent' */
  readonly restart?: RestartType;
  /** Optional per-child limit, as for {@link WorkerSpec}. */
  readonly intensity?: Intensity;
  /** @default Infinity (a supervisor gets all the time its own children take) */
  readonly shutdownTimeoutMs?: number;
}

/**
 * Any child of a supervisor.
 *
 * @example
 * ```ts
 * const children: ChildSpec[] = [{ id: 'a', logic }, { id: 'b', supervisor: { children: [] } }];
 * ```
 */
export type ChildSpec = WorkerSpec | SupervisorChildSpec;

/**
 * A supervisor's options, without its id (what a nested supervisor takes).
 *
 * @example
 * ```ts
 * const options: SupervisorOptions = { strategy: 'one-for-all', children: [] };
 * ```
 */
export interface SupervisorOptions {
  /** @default 'one-for-one' */
  readonly strategy?: Strategy;
  /** @default { maxRestarts: 3, withinMs: 5000 } */
  readonly intensity?: Intensity;
  /** @default undefined (restart immediately) */
  readonly backoff?: Backoff;
  /** Static children, started in this order. @default [] */
  readonly children?: readonly ChildSpec[];
  /** @default the parent supervisor's clock, else {@link wallClock} */
  readonly clock?: SupervisorClock;
  /** Entropy for backoff jitter. @default the parent's, else `Math.random` */
  readonly random?: () => number;
  /** Default shutdown timeout of worker children. @default 5000 */
  readonly shutdownTimeoutMs?: number;
  /**
   * The error channel for exceptions thrown by user callbacks the supervisor
   * calls (command `reply` callbacks); they never reach supervisor state.
   * @default the parent's, else rethrown on a fresh stack like XState's `reportUnhandledError`
   */
  readonly reportError?: (error: unknown) => void;
}

/**
 * A supervisor's full spec.
 *
 * @example
 * ```ts
 * const spec: SupervisorSpec = { id: 'root', strategy: 'one-for-one', children: [] };
 * ```
 */
export interface SupervisorSpec extends SupervisorOptions {
  readonly id: string;
}

/**
 * Types a worker spec against its logic, so `input` and `shutdown` are
 * checked (a plain object literal in `children` is typed loosely).
 *
 * @param spec - The worker spec.
 * @returns The same spec, as a {@link ChildSpec}.
 * @example
 * ```ts
 * const child = worker({ id: 'job', logic: fromPromise(async ({ input }: { input: number }) => input), input: 1 });
 * ```
 */
export function worker<TLogic extends AnyActorLogic>(spec: WorkerSpec<TLogic>): ChildSpec {
  return spec as WorkerSpec;
}
