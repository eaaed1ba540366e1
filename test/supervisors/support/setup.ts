import {
  createSupervisor,
  type ChildSpec,
  type RestartType,
  type Supervisor,
  type SupervisorSpec,
} from 'aion-ts/supervisors';
import { testClock, type TestClock } from './virtual-clock.js';
import { controllable, record } from './workers.js';

/** A started root supervisor on a virtual clock, with its events recorded (start events cleared). */
export interface Harness {
  readonly root: Supervisor;
  readonly clock: TestClock;
  readonly log: ReturnType<typeof record>;
}

/**
 * Starts a root supervisor `root` on a fresh test clock.
 *
 * @param spec - Everything but id and clock.
 * @param keepStartEvents - Keep the `started` events of the initial start in the log.
 */
export function setup(
  spec: Omit<SupervisorSpec, 'id' | 'clock'>,
  keepStartEvents = false,
): Harness {
  const clock = testClock();
  const root = createSupervisor({ id: 'root', clock, ...spec });
  const log = record(root.events$);
  root.start();
  if (!keepStartEvents) log.clear();
  return { root, clock, log };
}

/** Controllable worker specs with the given ids. */
export function workers(ids: readonly string[], restart: RestartType = 'permanent'): ChildSpec[] {
  return ids.map((id) => ({ id, logic: controllable, restart }));
}

/** `id:restarts` for each direct child of the root, in start order. */
export function restartCounts(root: Supervisor): string[] {
  return root.tree().children.map((c) => `${c.id}:${c.restarts}`);
}

/** Lets pending promise callbacks and one macrotask run (no timers involved). */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
