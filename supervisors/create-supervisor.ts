import { Subject, type Observable } from 'rxjs';
import {
  createActor,
  type Actor,
  type ActorRefFromLogic,
  type AnyActorLogic,
  type AnyActorRef,
} from 'xstate';
import type { SupervisorExit } from './core-state.js';
import { SupervisorError } from './supervisor-error.js';
import type { SupervisionEvent, SupervisionPath, StopReason } from './supervisor-events.js';
import {
  supervisorLogic,
  type SupervisorLogic,
  type SupervisorSnapshot,
} from './supervisor-logic.js';
import { childRef, runtimeOf, type CommandResult } from './supervisor-runtime.js';
import type { ChildSpec, SupervisorSpec, WorkerSpec } from './supervisor-spec.js';
import { supervisionTree, type SupervisionTree } from './supervision-tree.js';

/**
 * A handle on a root supervisor actor: lifecycle, dynamic children, the
 * live tree and its event stream.
 *
 * @example
 * ```ts
 * const root: Supervisor = createSupervisor({ id: 'root', children: [] }).start();
 * await root.stop();
 * ```
 */
export interface Supervisor {
  /** The root's id (the first element of every path). */
  readonly id: string;
  /** The root supervisor actor itself. */
  readonly actor: Actor<SupervisorLogic>;
  /**
   * Every event of the tree, nested supervisors included, in the order they
   * happen; the root's own `started` and `stopped` close the stream's ends.
   * Completes when the root has stopped. Hot: subscribe before `start()` to
   * see the first events.
   */
  readonly events$: Observable<SupervisionEvent>;
  /** Starts the root and its static children in order; idempotent. */
  start(): Supervisor;
  /**
   * Stops the tree: children in reverse start order, each bounded by its
   * shutdown timeout, nested supervisors recursively. Resolves when done.
   */
  stop(): Promise<void>;
  /**
   * Adds and starts a child after the existing ones, under the root or under
   * the nested supervisor at `under` (e.g. `['workflows', 'order']`).
   * Rejects with `CHILD_EXISTS`, `CHILD_NOT_FOUND` (no supervisor at
   * `under`), `NOT_RUNNING` or `INVALID_SPEC`.
   */
  startChild<TLogic extends AnyActorLogic>(
    spec: WorkerSpec<TLogic>,
    under?: string | readonly string[],
  ): Promise<ActorRefFromLogic<TLogic>>;
  startChild(spec: ChildSpec, under?: string | readonly string[]): Promise<AnyActorRef>;
  /**
   * Stops a child (as in shutdown, hook and timeout included) and removes
   * it; rejects with `CHILD_NOT_FOUND` or `NOT_RUNNING`.
   */
  stopChild(id: string, under?: string | readonly string[]): Promise<void>;
  /** The live actor at `path` below the root (`'ingest'` or `['workers', 'w1']`). */
  child(path: string | readonly string[]): AnyActorRef | undefined;
  /** A snapshot of the whole tree: ids, statuses, restart counts. */
  tree(): SupervisionTree;
  /** The root actor's snapshot. */
  getSnapshot(): SupervisorSnapshot;
  /** Resolves (never rejects) once the root has stopped, with how it ended. */
  whenStopped(): Promise<SupervisorExit>;
}

const stopReason = (exit: SupervisorExit): StopReason =>
  exit.reason === 'shutdown' ? 'shutdown' : exit.reason === 'escalated' ? 'escalated' : 'killed';

/**
 * Creates a root supervisor (not started yet). Its decisions follow OTP:
 * strategies, restart types, restart intensity with escalation, optional
 * exponential backoff, dynamic children and ordered shutdown.
 *
 * @param spec - The root's spec; validated here.
 * @returns A {@link Supervisor} handle.
 * @throws SupervisorError `INVALID_SPEC`
 * @example
 * ```ts
 * import { fromPromise } from 'xstate';
 * import { createSupervisor } from 'aion-ts/supervisors';
 *
 * const root = createSupervisor({
 *   id: 'root',
 *   strategy: 'one-for-one',
 *   intensity: { maxRestarts: 3, withinMs: 5_000 },
 *   children: [{ id: 'job', logic: fromPromise(async () => 'done'), restart: 'transient' }],
 * });
 * root.events$.subscribe((e) => console.log(e.type, e.path.join('/')));
 * root.start();
 * await root.stop();
 * ```
 */
export function createSupervisor(spec: SupervisorSpec): Supervisor {
  const actor = createActor(supervisorLogic(spec), { id: spec.id });
  const path: SupervisionPath = [spec.id];
  const subject = new Subject<SupervisionEvent>();
  const now = (): number => runtimeOf(actor)?.clock.now() ?? Date.now();
  let started = false;
  let exit: SupervisorExit | undefined;
  let resolveStopped: (exit: SupervisorExit) => void = () => undefined;
  const stopped = new Promise<SupervisorExit>((resolve) => {
    resolveStopped = resolve;
  });

  const finish = (result: SupervisorExit): void => {
    if (exit !== undefined) return;
    exit = result;
    const error = result.reason === 'escalated' ? result.error : undefined;
    subject.next({ type: 'stopped', path, reason: stopReason(result), error, at: now() });
    subject.complete();
    resolveStopped(result);
  };

  actor.on('*', (event) => subject.next(event));
  // Observing errors here also keeps XState from reporting the root's
  // escalation as an unhandled error.
  actor.subscribe({
    error: (error: unknown) => {
      const cause =
        error instanceof SupervisorError
          ? error
          : new SupervisorError('INTENSITY_EXCEEDED', String(error), { path, cause: error });
      finish({ reason: 'escalated', error: cause });
    },
    complete: () => {
      const snapshot = actor.getSnapshot();
      finish(snapshot.status === 'done' ? snapshot.output : { reason: 'killed' });
    },
  });

  const notRunning = (): SupervisorError =>
    new SupervisorError('NOT_RUNNING', `supervisor '${spec.id}' is not running`, { path });

  const lookup = (ids: readonly string[]): AnyActorRef | undefined => {
    let ref: AnyActorRef | undefined = actor;
    for (const id of ids) ref = ref === undefined ? undefined : childRef(ref, id);
    return ref;
  };

  // The supervisor a command goes to: the root, or a running nested supervisor.
  const commandTarget = (
    under: string | readonly string[] | undefined,
  ): AnyActorRef | SupervisorError => {
    if (!started || exit !== undefined) return notRunning();
    if (under === undefined) return actor;
    const ids = typeof under === 'string' ? [under] : under;
    const ref = lookup(ids);
    if (
      ref === undefined ||
      runtimeOf(ref) === undefined ||
      (ref.getSnapshot() as { status: string }).status !== 'active'
    ) {
      const where = [...path, ...ids].join('/');
      return new SupervisorError('CHILD_NOT_FOUND', `no running supervisor at '${where}'`, {
        path,
      });
    }
    return ref;
  };

  const handle: Supervisor = {
    id: spec.id,
    actor,
    events$: subject.asObservable(),
    start() {
      if (started || exit !== undefined) return handle;
      started = true;
      actor.start();
      if (exit === undefined) subject.next({ type: 'started', path, at: now() });
      return handle;
    },
    async stop() {
      if (!started) {
        started = true;
        actor.stop();
        finish({ reason: 'shutdown' });
        return;
      }
      if (exit === undefined) actor.send({ type: 'supervisor.stop' });
      await stopped;
    },
    startChild(child: ChildSpec, under?: string | readonly string[]): Promise<AnyActorRef> {
      return new Promise((resolve, reject) => {
        const target = commandTarget(under);
        if (target instanceof SupervisorError) return reject(target);
        target.send({
          type: 'supervisor.startChild',
          child,
          reply: (result: CommandResult) =>
            result.ok && result.ref !== undefined
              ? resolve(result.ref)
              : reject(result.ok ? notRunning() : result.error),
        });
      });
    },
    stopChild(id, under) {
      return new Promise((resolve, reject) => {
        const target = commandTarget(under);
        if (target instanceof SupervisorError) return reject(target);
        target.send({
          type: 'supervisor.stopChild',
          id,
          reply: (result: CommandResult) => (result.ok ? resolve() : reject(result.error)),
        });
      });
    },
    child: (at) => lookup(typeof at === 'string' ? [at] : at),
    tree: () => supervisionTree(actor),
    getSnapshot: () => actor.getSnapshot(),
    whenStopped: () => stopped,
  };
  return handle;
}
