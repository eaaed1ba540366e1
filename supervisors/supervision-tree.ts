import { childList } from './child-table.js';
import type { AnyActorRef } from 'xstate';
import type { ChildStatus } from './core-state.js';
import type { SupervisorSnapshot, SupervisorState } from './supervisor-logic.js';
import type { SupervisionPath } from './supervisor-events.js';
import type { RestartType, Strategy } from './supervisor-spec.js';
import { childRef, runtimeOf } from './supervisor-runtime.js';

/**
 * A supervisor's own status: `restarting` while a group restart stops
 * siblings, `escalating` while it stops its children before failing.
 *
 * @example
 * ```ts
 * const status: SupervisorStatus = supervisor.tree().status;
 * ```
 */
export type SupervisorStatus =
  'starting' | 'running' | 'restarting' | 'escalating' | 'stopping' | 'stopped' | 'escalated';

/**
 * A worker child in a {@link SupervisionTree}: `running`, `restarting`
 * (down, its restart pending or delayed by backoff) or `stopping`.
 *
 * @example
 * ```ts
 * const node: WorkerNode = { kind: 'worker', id: 'a', path: ['root', 'a'], status: 'running', restart: 'permanent', restarts: 0 };
 * ```
 */
export interface WorkerNode {
  readonly kind: 'worker';
  readonly id: string;
  readonly path: SupervisionPath;
  readonly status: ChildStatus;
  readonly restart: RestartType;
  /** How many times its supervisor restarted it. */
  readonly restarts: number;
}

/**
 * A supervisor in a {@link SupervisionTree}, with its children in start order.
 *
 * @example
 * ```ts
 * const root: SupervisorNode = supervisor.tree();
 * console.log(root.children.map((c) => `${c.id}:${c.status}:${c.restarts}`));
 * ```
 */
export interface SupervisorNode {
  readonly kind: 'supervisor';
  readonly id: string;
  readonly path: SupervisionPath;
  /** Its own status, or `restarting` / `stopping` if its parent has it down. */
  readonly status: SupervisorStatus | ChildStatus;
  readonly strategy: Strategy;
  /** Its restart type under its parent (`undefined` for the root). */
  readonly restart: RestartType | undefined;
  /** How many times its parent restarted it (0 for the root). */
  readonly restarts: number;
  /** How many restart decisions it took since it started. */
  readonly restartDecisions: number;
  readonly children: readonly SupervisionNode[];
}

/**
 * Any node of a {@link SupervisionTree}.
 *
 * @example
 * ```ts
 * const count = (n: SupervisionNode): number => n.kind === 'worker' ? 1 : n.children.reduce((s, c) => s + count(c), 0);
 * ```
 */
export type SupervisionNode = WorkerNode | SupervisorNode;

/**
 * A snapshot of a whole tree, rooted at a supervisor.
 *
 * @example
 * ```ts
 * const tree: SupervisionTree = supervisor.tree();
 * ```
 */
export type SupervisionTree = SupervisorNode;

const ownStatus = (snapshot: SupervisorSnapshot): SupervisorStatus => {
  const { phase, op } = snapshot.context;
  if (phase !== 'running') return phase;
  if (op?.then.kind === 'restart') return 'restarting';
  if (op?.then.kind === 'escalate') return 'escalating';
  return 'running';
};

/**
 * Builds a {@link SupervisionTree} snapshot from a supervisor actor,
 * descending into nested supervisors that are running.
 *
 * @param supervisor - A supervisor actor (made from `supervisorLogic`).
 * @returns The tree: ids, paths, statuses and restart counts.
 * @example
 * ```ts
 * import { createActor } from 'xstate';
 * const actor = createActor(supervisorLogic({ id: 'pool', children: [] })).start();
 * supervisionTree(actor).children; // []
 * ```
 */
export function supervisionTree(supervisor: AnyActorRef): SupervisionTree {
  return node(supervisor, undefined, undefined);
}

function node(
  ref: AnyActorRef,
  asChild:
    | { readonly status: ChildStatus; readonly restart: RestartType; readonly restarts: number }
    | undefined,
  fallbackPath: SupervisionPath | undefined,
): SupervisorNode {
  const snapshot = ref.getSnapshot() as SupervisorSnapshot;
  const state: SupervisorState = snapshot.context;
  const path = runtimeOf(ref)?.path ?? fallbackPath ?? state.config.path;
  const children = childList(state.children).map((child): SupervisionNode => {
    const childPath = [...path, child.id];
    const nested = child.spec.kind === 'supervisor' ? childRef(ref, child.id) : undefined;
    if (nested !== undefined && child.status === 'running') return node(nested, child, childPath);
    if (child.spec.kind === 'supervisor') {
      return {
        kind: 'supervisor',
        id: child.id,
        path: childPath,
        status: child.status,
        strategy: (child.spec.logic.config as { strategy: Strategy }).strategy,
        restart: child.restart,
        restarts: child.restarts,
        restartDecisions: 0,
        children: [],
      };
    }
    return {
      kind: 'worker',
      id: child.id,
      path: childPath,
      status: child.status,
      restart: child.restart,
      restarts: child.restarts,
    };
  });
  return {
    kind: 'supervisor',
    id: path[path.length - 1] ?? '',
    path,
    status:
      asChild === undefined || asChild.status === 'running' ? ownStatus(snapshot) : asChild.status,
    strategy: state.config.strategy,
    restart: asChild?.restart,
    restarts: asChild?.restarts ?? 0,
    restartDecisions: state.restarts,
    children,
  };
}
