import type { Observable } from 'rxjs';
import { createMachine, type AnyActorRef } from 'xstate';
import type { Supervisor, SupervisionEvent } from 'aion-ts/supervisors';

/** A machine that crashes on `CRASH` (an action throws) and completes on `FINISH`. */
export const controllable = createMachine({
  id: 'controllable',
  initial: 'running',
  states: {
    running: {
      on: {
        CRASH: {
          actions: () => {
            throw new Error('boom');
          },
        },
        FINISH: 'finished',
      },
    },
    finished: { type: 'final' },
  },
});

/** Crashes the controllable child at `path` (below the root). */
export function crash(root: Supervisor, path: string | readonly string[]): void {
  target(root, path).send({ type: 'CRASH' });
}

/** Completes the controllable child at `path` normally. */
export function finish(root: Supervisor, path: string | readonly string[]): void {
  target(root, path).send({ type: 'FINISH' });
}

function target(root: Supervisor, path: string | readonly string[]): AnyActorRef {
  const ref = root.child(path);
  if (ref === undefined) throw new Error(`no live child at ${String(path)}`);
  return ref;
}

/** Short text for an event: `type path` (path without the root id). */
export function describe(e: SupervisionEvent): string {
  return `${e.type} ${e.path.slice(1).join('/') || e.path.join('/')}`;
}

/** Collects everything `events$` emits, as {@link describe}d strings and raw events. */
export function record(events$: Observable<SupervisionEvent>): {
  lines: string[];
  events: SupervisionEvent[];
  clear(): void;
} {
  const lines: string[] = [];
  const events: SupervisionEvent[] = [];
  events$.subscribe((e) => {
    lines.push(describe(e));
    events.push(e);
  });
  return {
    lines,
    events,
    clear() {
      lines.length = 0;
      events.length = 0;
    },
  };
}
