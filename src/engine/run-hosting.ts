import { Subject } from 'rxjs';
import type { Observable } from 'rxjs';
import { createActor } from 'xstate';
import type { Actor } from 'xstate';
import type { Clock } from '../core/index.js';
import { runMachine } from '../run/index.js';
import type { RunHost } from './run-host.js';

/** A supervision decision or engine fault, with the path of the node in the tree. */
export interface SupervisionEvent {
  readonly type:
    'started' | 'crashed' | 'restarted' | 'stopped' | 'escalated' | 'blocked' | 'fault';
  readonly path: readonly string[];
  readonly at?: number;
  readonly error?: unknown;
  readonly restarts?: number;
}

/** One node of the engine's supervision tree snapshot. */
export interface TreeNode {
  readonly id: string;
  readonly kind: 'supervisor' | 'service' | 'run';
  readonly status: string;
  readonly restarts: number;
  readonly residency?: 'resident' | 'suspended';
  readonly children: readonly TreeNode[];
}

/** Options of {@link createRunHosting}. */
export interface RunHostingOptions {
  readonly clock: Clock;
  readonly intensity: { readonly maxRestarts: number; readonly withinMs: number };
  readonly backoff: { readonly initialMs: number; readonly maxMs: number; readonly factor: number };
  readonly workflowTypes: readonly string[];
  readonly onCrashLoop: (host: RunHost, error: unknown) => void;
}

/** Hosts run actors under the engine's supervision tree. */
export interface RunHosting {
  spawn(host: RunHost): void;
  stop(workflowId: string, runId: string): void;
  stopAll(): Promise<void>;
  tree(lookup: (workflowId: string, runId: string) => RunHost | undefined): TreeNode;
  report(event: SupervisionEvent): void;
  readonly events$: Observable<SupervisionEvent>;
}

interface Hosted {
  readonly host: RunHost;
  actor: Actor<typeof runMachine> | undefined;
  crashes: number[];
  cancelRestart: (() => void) | undefined;
}

/** Creates the hosting of run actors. */
export function createRunHosting(options: RunHostingOptions): RunHosting {
  const events = new Subject<SupervisionEvent>();
  const hosted = new Map<string, Hosted>();
  const key = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`;
  const pathOf = (host: RunHost): string[] => [
    'engine',
    'workflows',
    host.definition.name,
    host.runId,
  ];
  let stopped = false;

  const launch = (entry: Hosted): void => {
    const actor = createActor(runMachine, { input: { host: entry.host } });
    entry.actor = actor;
    actor.subscribe({
      error: (error: unknown) => crashed(entry, actor, error),
      complete: () => {
        if (entry.actor === actor) hosted.delete(key(entry.host.workflowId, entry.host.runId));
      },
    });
    actor.start();
  };

  const crashed = (entry: Hosted, actor: Actor<typeof runMachine>, error: unknown): void => {
    if (entry.actor !== actor || stopped) return;
    entry.actor = undefined;
    const now = options.clock.now();
    entry.crashes = entry.crashes.filter((at) => at > now - options.intensity.withinMs);
    entry.crashes.push(now);
    const path = pathOf(entry.host);
    events.next({ type: 'crashed', path, at: now, error });
    if (entry.crashes.length > options.intensity.maxRestarts) {
      hosted.delete(key(entry.host.workflowId, entry.host.runId));
      options.onCrashLoop(entry.host, error);
      return;
    }
    const n = entry.crashes.length - 1;
    const delay = Math.min(
      options.backoff.maxMs,
      options.backoff.initialMs * options.backoff.factor ** n,
    );
    entry.cancelRestart = options.clock.schedule(now + delay, () => {
      entry.cancelRestart = undefined;
      if (stopped || !hosted.has(key(entry.host.workflowId, entry.host.runId))) return;
      entry.host.restarts++;
      events.next({
        type: 'restarted',
        path,
        at: options.clock.now(),
        restarts: entry.host.restarts,
      });
      launch(entry);
    });
  };

  return {
    events$: events.asObservable(),
    spawn(host) {
      if (stopped) return;
      const entry: Hosted = { host, actor: undefined, crashes: [], cancelRestart: undefined };
      hosted.set(key(host.workflowId, host.runId), entry);
      launch(entry);
      events.next({ type: 'started', path: pathOf(host), at: options.clock.now() });
    },
    stop(workflowId, runId) {
      const entry = hosted.get(key(workflowId, runId));
      if (entry === undefined) return;
      hosted.delete(key(workflowId, runId));
      entry.cancelRestart?.();
      const actor = entry.actor;
      entry.actor = undefined;
      actor?.stop();
      events.next({ type: 'stopped', path: pathOf(entry.host), at: options.clock.now() });
    },
    async stopAll() {
      stopped = true;
      for (const entry of [...hosted.values()].reverse()) {
        entry.cancelRestart?.();
        const actor = entry.actor;
        entry.actor = undefined;
        actor?.stop();
      }
      hosted.clear();
      events.complete();
      await Promise.resolve();
    },
    report(event) {
      if (!stopped) events.next(event);
    },
    tree(lookup) {
      const types = options.workflowTypes.map((type) => {
        const runs: TreeNode[] = [];
        for (const entry of hosted.values()) {
          if (entry.host.definition.name !== type) continue;
          const host = lookup(entry.host.workflowId, entry.host.runId) ?? entry.host;
          runs.push({
            id: host.runId,
            kind: 'run',
            status: entry.actor === undefined ? 'restarting' : host.phase,
            restarts: host.restarts,
            residency: 'resident',
            children: [],
          });
        }
        return {
          id: type,
          kind: 'supervisor' as const,
          status: 'running',
          restarts: 0,
          children: runs,
        };
      });
      return {
        id: 'engine',
        kind: 'supervisor',
        status: stopped ? 'stopped' : 'running',
        restarts: 0,
        children: [
          { id: 'store', kind: 'service', status: 'running', restarts: 0, children: [] },
          { id: 'timers', kind: 'service', status: 'running', restarts: 0, children: [] },
          { id: 'workflows', kind: 'supervisor', status: 'running', restarts: 0, children: types },
        ],
      };
    },
  };
}
