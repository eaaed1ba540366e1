/**
 * A node's address in a supervision tree: the ids from the root supervisor
 * down to the node, root id first (e.g. `['root', 'workers', 'w1']`). Join
 * with `'/'` for display.
 *
 * @example
 * ```ts
 * const path: SupervisionPath = ['root', 'workers', 'w1'];
 * console.log(path.join('/')); // root/workers/w1
 * ```
 */
export type SupervisionPath = readonly string[];

/**
 * What a supervisor decided about a child that ended: `restart` it, `remove`
 * it (temporary, or transient that completed), `give-up` (its own
 * per-child intensity is exhausted) or `escalate` (the supervisor's
 * intensity is exhausted, so the supervisor fails).
 *
 * @example
 * ```ts
 * const decision: ExitDecision = 'restart';
 * ```
 */
export type ExitDecision = 'restart' | 'remove' | 'give-up' | 'escalate';

/**
 * Why a child was stopped: `shutdown` (orderly, by its supervisor),
 * `timeout` (its shutdown exceeded `shutdownTimeoutMs` and it was killed),
 * `killed` (its supervisor was itself stopped abruptly) or `escalated` (only
 * for a root supervisor that failed).
 *
 * @example
 * ```ts
 * const reason: StopReason = 'shutdown';
 * ```
 */
export type StopReason = 'shutdown' | 'timeout' | 'killed' | 'escalated';

interface EventBase {
  /** The child's path (for `escalated`, the supervisor's own path). */
  readonly path: SupervisionPath;
  /** Clock time of the event. */
  readonly at: number;
}

/**
 * A child was started (initially or by `startChild`).
 *
 * @example
 * ```ts
 * supervisor.actor.on('started', (e: StartedEvent) => console.log(e.path.join('/')));
 * ```
 */
export interface StartedEvent extends EventBase {
  readonly type: 'started';
}

/**
 * A child was started again; `restarts` is its restart count so far.
 *
 * @example
 * ```ts
 * supervisor.actor.on('restarted', (e: RestartedEvent) => console.log(e.path.join('/'), e.restarts));
 * ```
 */
export interface RestartedEvent extends EventBase {
  readonly type: 'restarted';
  readonly restarts: number;
}

/**
 * A child errored (its XState snapshot status became `error`).
 *
 * @example
 * ```ts
 * supervisor.actor.on('crashed', (e: CrashedEvent) => console.error(e.path.join('/'), e.error, e.decision));
 * ```
 */
export interface CrashedEvent extends EventBase {
  readonly type: 'crashed';
  readonly error: unknown;
  readonly decision: ExitDecision;
}

/**
 * A child completed normally (its XState snapshot status became `done`).
 *
 * @example
 * ```ts
 * supervisor.actor.on('exited', (e: ExitedEvent) => console.log(e.path.join('/'), e.output));
 * ```
 */
export interface ExitedEvent extends EventBase {
  readonly type: 'exited';
  readonly output: unknown;
  readonly decision: ExitDecision;
}

/**
 * A child was stopped or removed by its supervisor.
 *
 * @example
 * ```ts
 * supervisor.actor.on('stopped', (e: StoppedEvent) => console.log(e.path.join('/'), e.reason));
 * ```
 */
export interface StoppedEvent extends EventBase {
  readonly type: 'stopped';
  readonly reason: StopReason;
  /** What its shutdown hook threw, if anything. */
  readonly error: unknown;
}

/**
 * A supervisor exceeded its restart intensity and failed to its parent.
 *
 * @example
 * ```ts
 * supervisor.actor.on('escalated', (e: EscalatedEvent) => console.error(e.path.join('/'), e.error));
 * ```
 */
export interface EscalatedEvent extends EventBase {
  readonly type: 'escalated';
  /** A `SupervisorError` with code `INTENSITY_EXCEEDED`; `cause` is the last crash. */
  readonly error: unknown;
}

/**
 * Everything a supervision tree reports on `events$`, discriminated on
 * `type`; these are also the events the supervisor actor emits (XState
 * `actor.on(type, ...)`).
 *
 * @example
 * ```ts
 * supervisor.events$.subscribe((e) => {
 *   if (e.type === 'crashed') console.error(e.path.join('/'), e.error);
 * });
 * ```
 */
export type SupervisionEvent =
  StartedEvent | RestartedEvent | CrashedEvent | ExitedEvent | StoppedEvent | EscalatedEvent;
