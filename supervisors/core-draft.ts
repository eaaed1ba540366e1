import type { CoreChild, CoreEffect, CoreReply, CoreState, Stamp } from './core-state.js';
import type { SupervisionEvent } from './supervisor-events.js';

/**
 * The scratch pad of one core step: the state so far and the effects
 * decided so far. Only `step` creates one, so mutating it keeps `step` pure.
 * The children array is copied on the first write of a step (copy-on-write),
 * so a step costs one copy at most, whatever it changes, and a state handed
 * out earlier (an XState snapshot) is never modified. An array rather than a
 * Map: copying 1,000 entries costs well under a microsecond against ~40 for
 * a Map, which outweighs the linear lookup by id.
 * @example
 * ```ts
 * const d: Draft<string> = draft(state);
 * ```
 */
export interface Draft<S> {
  state: CoreState<S>;
  readonly effects: CoreEffect<S>[];
  owned: CoreChild<S>[] | undefined;
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
  return { state, effects: [], owned: undefined };
}

/**
 * The children array of this step, writable.
 *
 * @example
 * ```ts
 * writableChildren(d).push(child);
 * ```
 */
export function writableChildren<S>(d: Draft<S>): CoreChild<S>[] {
  if (d.owned === undefined) {
    d.owned = d.state.children.slice();
    d.state = { ...d.state, children: d.owned };
  }
  return d.owned;
}

const indexOf = <S>(children: readonly CoreChild<S>[], id: string): number => {
  for (let i = 0; i < children.length; i++) if (children[i]?.id === id) return i;
  return -1;
};

/**
 * The children's ids, in start order.
 *
 * @example
 * ```ts
 * childIds(d); // ['a', 'b']
 * ```
 */
export function childIds<S>(d: Draft<S>): string[] {
  return d.state.children.map((c) => c.id);
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
  return d.state.children[indexOf(d.state.children, id)];
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
  const at = indexOf(d.state.children, id);
  const child = d.state.children[at];
  if (child !== undefined) writableChildren(d)[at] = { ...child, ...patch };
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
  const at = indexOf(d.state.children, id);
  if (at >= 0) writableChildren(d).splice(at, 1);
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
