import { Subject } from 'rxjs';
import type { Observable, Subscription } from 'rxjs';
import { fromCallback } from 'xstate';
import type { Clock } from '../core/index.js';
import { runActorLogic } from '../run/index.js';
import { createSupervisor } from '../../supervisors/index.js';
import type {
  SupervisionEvent as LibraryEvent,
  SupervisionNode,
  Supervisor,
} from '../../supervisors/index.js';
import type { RunHost } from './run-host.js';

/**
 * A report of the engine on `supervision$`: `blocked` (a run cannot
 * progress), `fault` (an engine service failed), `store-fault` (the store
 * cannot be written: runs hold their writes) and `store-recovered` (it can
 * again: held writes go out), each once per fault episode.
 */
export type EngineReport =
  | {
      readonly type: 'blocked' | 'fault' | 'store-fault';
      readonly path: readonly string[];
      readonly at: number;
      readonly error: unknown;
    }
  | {
      readonly type: 'store-recovered';
      readonly path: readonly string[];
      readonly at: number;
      /** How long the store could not be written (engine-clock ms). */
      readonly downMs: number;
      /** Writes that failed during the episode. */
      readonly failedWrites: number;
    };

/**
 * A supervision decision of the engine's tree (`started`, `crashed`,
 * `restarted`, `exited`, `stopped`, `escalated`), or an {@link EngineReport}.
 */
export type SupervisionEvent = LibraryEvent | EngineReport;

// Distributes over the union, so each kind keeps its own fields.
type WithoutAt<T> = T extends unknown ? Omit<T, 'at'> : never;

/** An engine report before the hosting layer stamps it with the time. */
export type EngineReportInput = WithoutAt<EngineReport>;

/** One node of the engine's supervision tree snapshot. */
export interface TreeNode {
  readonly id: string;
  readonly kind: 'supervisor' | 'service' | 'run';
  readonly status: string;
  readonly restarts: number;
  /** Runs only. */
  readonly residency?: 'resident' | 'suspended';
  /** Runs only: the run actor's lifecycle phase. */
  readonly phase?: string;
  readonly children: readonly TreeNode[];
}

/** Options of {@link createRunHosting}. */
export interface RunHostingOptions {
  readonly clock: Clock;
  readonly intensity: { readonly maxRestarts: number; readonly withinMs: number };
  readonly backoff: { readonly initialMs: number; readonly maxMs: number; readonly factor: number };
  readonly workflowTypes: readonly string[];
  /** A run crashed more often than its intensity allows: it is not restarted. */
  readonly onCrashLoop: (host: RunHost, error: unknown) => void;
  /**
   * A service node's status when the engine knows better than its actor
   * (the store is `faulty` during a store fault); `undefined` otherwise.
   */
  readonly serviceStatus?: (id: string) => string | undefined;
  /** Called when the tree stops the timer service (engine shutdown). */
  readonly stopTimers: () => void;
}

/** Hosts run actors under the engine's supervision tree (SPEC section 8). */
export interface RunHosting {
  spawn(host: RunHost): void;
  stop(workflowId: string, runId: string): void;
  stopAll(): Promise<void>;
  tree(): TreeNode;
  /** Run hosts known and run actors being stopped, for `engine.stats()` and leak checks. */
  counts(): { hosted: number; stopping: number };
  report(event: EngineReportInput): void;
  /**
   * Holds `events$` back until {@link RunHosting.release}: `Engine.open`
   * holds what recovery reports (runs started, blocked, faults) until its
   * caller has had the turn in which `open` resolves to subscribe.
   */
  hold(): void;
  /** Emits what was held, in order, and stops holding. */
  release(): void;
  readonly events$: Observable<SupervisionEvent>;
}

// A type supervisor never gives up on itself because many of its runs
// crash: each run has its own intensity, and one run's crash loop must not
// disturb the others.
const UNBOUNDED = { maxRestarts: Number.MAX_SAFE_INTEGER, withinMs: 1 };

/** A run actor's path: engine / workflows / <workflow type> / <runId>. */
const RUN_DEPTH = 4;

/**
 * Builds the engine's tree on `aion-ts/supervisors`:
 *
 * ```
 * engine (root, one-for-one)
 * ├── store, timers             permanent services
 * └── workflows                 one-for-one
 *     └── <workflow type>       one-for-one, restart backoff
 *         └── <runId>           transient run actor, per-run intensity
 *             └── attempt:<n>   activity attempts (children of the run actor)
 * ```
 */
export function createRunHosting(options: RunHostingOptions): RunHosting {
  const events = new Subject<SupervisionEvent>();
  let held: SupervisionEvent[] | undefined;
  const emit = (event: SupervisionEvent): void => {
    if (held === undefined) events.next(event);
    else held.push(event);
  };
  const hosts = new Map<string, RunHost>();
  const stopped = new Map<string, Promise<void>>();
  const service = fromCallback(() => () => undefined);
  const timers = fromCallback(() => () => options.stopTimers());
  const root: Supervisor = createSupervisor({
    id: 'engine',
    strategy: 'one-for-one',
    clock: options.clock,
    children: [
      { id: 'store', logic: service, restart: 'permanent' },
      { id: 'timers', logic: timers, restart: 'permanent' },
      {
        id: 'workflows',
        restart: 'permanent',
        supervisor: {
          strategy: 'one-for-one',
          intensity: UNBOUNDED,
          children: options.workflowTypes.map((type) => ({
            id: type,
            restart: 'permanent' as const,
            supervisor: {
              strategy: 'one-for-one' as const,
              intensity: UNBOUNDED,
              backoff: options.backoff,
            },
          })),
        },
      },
    ],
  });
  const subscription: Subscription = root.events$.subscribe((event) => {
    if (event.type === 'crashed' && event.decision === 'give-up') {
      const host = hosts.get(event.path[event.path.length - 1] ?? '');
      if (host !== undefined) {
        hosts.delete(host.runId);
        options.onCrashLoop(host, event.error);
      }
    } else if (event.type === 'exited' && event.path.length === RUN_DEPTH) {
      // The run ended and its actor with it: forget its host, or every
      // ended run would stay in memory (host, actor, execution, ledger).
      hosts.delete(event.path[RUN_DEPTH - 1] ?? '');
    }
    emit(event);
  });
  root.start();
  let stopping = false;

  const report = (error: unknown): void =>
    emit({ type: 'fault', path: ['engine', 'workflows'], at: options.clock.now(), error });

  return {
    events$: events.asObservable(),
    spawn(host) {
      if (stopping) return;
      hosts.set(host.runId, host);
      const spec = {
        id: host.runId,
        logic: runActorLogic,
        input: (info: { restarts: number }) => {
          host.restarts = info.restarts;
          return { host };
        },
        restart: 'transient' as const,
        intensity: options.intensity,
      };
      const under = ['workflows', host.definition.name];
      // A run suspended a moment ago may still be stopping under this id.
      const prior = stopped.get(host.runId);
      const start = (): Promise<unknown> => root.startChild(spec, under);
      (prior === undefined ? start() : prior.then(start)).catch(report);
    },
    stop(_workflowId, runId) {
      const host = hosts.get(runId);
      if (host === undefined) return;
      hosts.delete(runId);
      const done = root
        .stopChild(runId, ['workflows', host.definition.name])
        .catch(() => undefined)
        .finally(() => {
          if (stopped.get(runId) === done) stopped.delete(runId);
        });
      stopped.set(runId, done);
    },
    async stopAll() {
      stopping = true;
      await root.stop();
      subscription.unsubscribe();
      hosts.clear();
      events.complete();
    },
    report(event) {
      if (!stopping) emit({ ...event, at: options.clock.now() });
    },
    hold() {
      held ??= [];
    },
    release() {
      const pending = held ?? [];
      held = undefined;
      for (const event of pending) events.next(event);
    },
    tree() {
      return toTreeNode(root.tree(), hosts, options.serviceStatus);
    },
    counts() {
      return { hosted: hosts.size, stopping: stopped.size };
    },
  };
}

function toTreeNode(
  node: SupervisionNode,
  hosts: ReadonlyMap<string, RunHost>,
  serviceStatus: RunHostingOptions['serviceStatus'],
): TreeNode {
  if (node.kind === 'supervisor') {
    return {
      id: node.id,
      kind: 'supervisor',
      status: node.status,
      restarts: node.restarts,
      children: node.children.map((child) => toTreeNode(child, hosts, serviceStatus)),
    };
  }
  const host = hosts.get(node.id);
  if (host === undefined) {
    return {
      id: node.id,
      kind: 'service',
      status: serviceStatus?.(node.id) ?? node.status,
      restarts: node.restarts,
      children: [],
    };
  }
  return {
    id: node.id,
    kind: 'run',
    status: node.status,
    restarts: node.restarts,
    residency: 'resident',
    phase: host.phase,
    children: [],
  };
}
