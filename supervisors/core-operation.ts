import { childList } from './child-table.js';
import { backoffDelay } from './restart-backoff.js';
import {
  childOf,
  dropChild,
  emit,
  patchChild,
  pathOf,
  reply,
  spawn,
  type Draft,
} from './core-draft.js';
import type { CoreChild, CoreEvent, Continuation, Stamp } from './core-state.js';
import type { StopReason } from './supervisor-events.js';

// Operations are how the core terminates children in order. Terminating a
// child may be asynchronous (a shutdown hook, a nested supervisor's own
// shutdown), so the core asks for one termination at a time and waits for
// a `terminated` (or the child's own `exit`) before asking for the next.

/**
 * Begins an operation: terminate `queue` in order, then run `then`.
 *
 * @example
 * ```ts
 * startOperation(draft, ['b', 'a'], { kind: 'shutdown', requestIds: [] }, stamp);
 * ```
 */
export function startOperation<S>(
  d: Draft<S>,
  queue: readonly string[],
  then: Continuation,
  stamp: Stamp,
): void {
  d.state = { ...d.state, op: { queue, next: 0, awaiting: undefined, then } };
  advance(d, stamp);
}

/**
 * Whether `event` is the termination the current operation waits for.
 *
 * @example
 * ```ts
 * if (isAwaited(draft, event)) settleAwaited(draft, event);
 * ```
 */
export function isAwaited<S>(d: Draft<S>, event: CoreEvent<S>): boolean {
  const awaiting = d.state.op?.awaiting;
  if (awaiting === undefined) return false;
  if (event.type !== 'terminated' && event.type !== 'exit') return false;
  return event.id === awaiting.id && event.incarnation === awaiting.incarnation;
}

/**
 * Records the awaited termination (a `terminated`, or the child ending on
 * its own meanwhile) and moves the operation on.
 *
 * @example
 * ```ts
 * settleAwaited(draft, { type: 'terminated', id: 'a', incarnation: 1, timedOut: false, error: undefined, now: 0, entropy: 0 });
 * ```
 */
export function settleAwaited<S>(d: Draft<S>, event: CoreEvent<S>): void {
  const op = d.state.op;
  if (op?.awaiting === undefined) return;
  const child = childOf(d, op.awaiting.id);
  d.state = { ...d.state, op: { ...op, awaiting: undefined } };
  const timedOut = event.type === 'terminated' && event.timedOut;
  const error = event.type === 'terminated' || event.type === 'exit' ? event.error : undefined;
  if (child !== undefined) {
    d.effects.push({ type: 'kill', id: child.id, incarnation: child.incarnation });
    afterTermination(d, child, { reason: timedOut ? 'timeout' : 'shutdown', error }, event);
  }
  advance(d, event);
}

function afterTermination<S>(
  d: Draft<S>,
  child: CoreChild<S>,
  stopped: { readonly reason: StopReason; readonly error: unknown } | undefined,
  stamp: Stamp,
): void {
  const restarting = d.state.op?.then.kind === 'restart';
  // A child waiting for its restart is left alone by a group restart (it is
  // part of the group) but reported as stopped when it is removed for good.
  const report =
    stopped ?? (restarting ? undefined : { reason: 'shutdown' as const, error: undefined });
  if (report !== undefined) {
    emit(d, { type: 'stopped', path: pathOf(d, child.id), ...report, at: stamp.now });
  }
  if (restarting && child.restart !== 'temporary') {
    patchChild(d, child.id, { status: 'restarting', restartAt: undefined });
  } else {
    dropChild(d, child.id);
  }
}

/**
 * Asks for the next termination, or completes the operation.
 *
 * @example
 * ```ts
 * advance(draft, stamp);
 * ```
 */
export function advance<S>(d: Draft<S>, stamp: Stamp): void {
  for (;;) {
    const op = d.state.op;
    if (op === undefined || op.awaiting !== undefined) return;
    const id = op.queue[op.next];
    if (id === undefined) {
      complete(d, op.then, stamp);
      return;
    }
    d.state = { ...d.state, op: { ...op, next: op.next + 1 } };
    const child = childOf(d, id);
    if (child === undefined) continue;
    if (child.status !== 'running') {
      afterTermination(d, child, undefined, stamp);
      continue;
    }
    patchChild(d, id, { status: 'stopping' });
    d.state = {
      ...d.state,
      op: { ...op, next: op.next + 1, awaiting: { id, incarnation: child.incarnation } },
    };
    d.effects.push({ type: 'terminate', id, incarnation: child.incarnation, spec: child.spec });
    return;
  }
}

function complete<S>(d: Draft<S>, then: Continuation, stamp: Stamp): void {
  d.state = { ...d.state, op: undefined };
  switch (then.kind) {
    case 'restart':
      restartNow(d, then.group, then.trigger, stamp);
      return;
    case 'remove':
      reply(d, then.requestId, { ok: true, childId: undefined });
      return;
    case 'shutdown':
      d.state = { ...d.state, phase: 'stopped' };
      for (const id of then.requestIds) reply(d, id, { ok: true, childId: undefined });
      d.effects.push({ type: 'finish', exit: { reason: 'shutdown' } });
      return;
    case 'escalate':
      d.state = { ...d.state, phase: 'escalated' };
      emit(d, { type: 'escalated', path: d.state.config.path, error: then.error, at: stamp.now });
      d.effects.push({ type: 'finish', exit: { reason: 'escalated', error: then.error } });
      return;
  }
}

function restartNow<S>(d: Draft<S>, group: readonly string[], trigger: string, stamp: Stamp): void {
  const inGroup = new Set(group);
  const members = childList(d.state.children).filter((c) => inGroup.has(c.id));
  const recent = childOf(d, trigger)?.recent.length ?? 1;
  const delay = backoffDelay(d.state.config.backoff, Math.max(0, recent - 1), stamp.entropy);
  if (delay > 0) {
    const at = stamp.now + delay;
    for (const child of members) patchChild(d, child.id, { restartAt: at });
    d.effects.push({ type: 'schedule', at });
    return;
  }
  for (const child of members) spawn(d, child, stamp, true);
}
