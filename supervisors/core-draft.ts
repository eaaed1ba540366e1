import { childList, getChild, removeChild, setChild } from './child-table.js';
import type { CoreChild, CoreEffect, CoreReply, CoreState, Stamp } from './core-state.js';
import type { SupervisionEvent } from './supervisor-events.js';

/**
 * The scratch pad of one core step: the state so far and the effects
 * decided so far. Only `step` creates one, so changing it keeps `step` pure:
 * the children table is immutable (see {@link ChildTable}), and a state
 * handed out earlier (an XState snapshot) is never modified.
 * @example
 * ```ts
 * const d: Draft<string> = draft(state);
 * ```
 */
export interface Draft<S> {
  state: CoreState<S>;
  readonly effects: CoreEffect<S>[];
}

/**
 * A new draft over `state`.
 *
 * @example
 * ```ts
 * const d = draft(state);
 * ```
 */
export function draft<S>(state: CoreState<S>): Draft<S> {
  return { state, effects: [] };
}

/**
 * Adds a child at the end of the start order, or replaces the one with its id.
 *
 * @example
 * ```ts
 * putChild(d, child);
 * ```
 */
export function putChild<S>(d: Draft<S>, child: CoreChild<S>): void {
  d.state = { ...d.state, children: setChild(d.state.children, child) };
}

/**
 * The children's ids, in start order.
 *
 * @example
 * ```ts
 * childIds(d); // ['a', 'b']
 * ```
 */
export function childIds<S>(d: Draft<S>): string[] {
  return childList(d.state.children).map((c) => c.id);
}

/**
 * Finds a child by id.
 *
 * @example
 * ```ts
 * const child = childOf(draft, 'a');
 * ```
 */
export function childOf<S>(d: Draft<S>, id: string): CoreChild<S> | undefined {
  return getChild(d.state.children, id);
}

/**
 * Replaces fields of one child.
 *
 * @example
 * ```ts
 * patchChild(draft, 'a', { status: 'stopping' });
 * ```
 */
export function patchChild<S>(d: Draft<S>, id: string, patch: Partial<CoreChild<S>>): void {
  const child = getChild(d.state.children, id);
  if (child !== undefined) putChild(d, { ...child, ...patch });
}

/**
 * Forgets a child.
 *
 * @example
 * ```ts
 * dropChild(draft, 'a');
 * ```
 */
export function dropChild<S>(d: Draft<S>, id: string): void {
  const children = removeChild(d.state.children, id);
  if (children !== d.state.children) d.state = { ...d.state, children };
}

/**
 * The path of a child of this supervisor.
 *
 * @example
 * ```ts
 * pathOf(draft, 'a'); // ['root', 'a']
 * ```
 */
export function pathOf<S>(d: Draft<S>, id: string): string[] {
  return [...d.state.config.path, id];
}

/**
 * Queues an event for `events$`.
 *
 * @example
 * ```ts
 * emit(draft, { type: 'started', path: ['root', 'a'], at: 0 });
 * ```
 */
export function emit<S>(d: Draft<S>, event: SupervisionEvent): void {
  d.effects.push({ type: 'emit', event });
}

/**
 * Queues the answer to a command.
 *
 * @example
 * ```ts
 * reply(draft, 7, { ok: true, childId: 'a' });
 * ```
 */
export function reply<S>(d: Draft<S>, requestId: number | undefined, answer: CoreReply): void {
  if (requestId !== undefined) d.effects.push({ type: 'reply', requestId, reply: answer });
}

/**
 * Starts a new incarnation of `child` (first start or restart) and reports it.
 *
 * @param d - The draft.
 * @param child - The child's current record.
 * @param stamp - The current time.
 * @param restart - `true` for a restart (counts, emits `restarted`), else `started`.
 * @example
 * ```ts
 * spawn(draft, child, stamp, true);
 * ```
 */
export function spawn<S>(d: Draft<S>, child: CoreChild<S>, stamp: Stamp, restart: boolean): void {
  const incarnation = child.incarnation + 1;
  const restarts = child.restarts + (restart ? 1 : 0);
  patchChild(d, child.id, { status: 'running', incarnation, restarts, restartAt: undefined });
  d.effects.push({
    type: 'spawn',
    id: child.id,
    incarnation,
    spec: child.spec,
    restarts,
    lastError: child.lastError,
  });
  const path = pathOf(d, child.id);
  emit(
    d,
    restart
      ? { type: 'restarted', path, restarts, at: stamp.now }
      : { type: 'started', path, at: stamp.now },
  );
}
