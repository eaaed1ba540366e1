import {
  childIds,
  childOf,
  draft,
  dropChild,
  emit,
  patchChild,
  pathOf,
  reply,
  spawn,
  putChild,
  type Draft,
} from './core-draft.js';
import { isAwaited, settleAwaited, startOperation } from './core-operation.js';
import type { CoreChild, CoreEffect, CoreEvent, CoreState, NewChild, Stamp } from './core-state.js';
import { childList, emptyChildTable } from './child-table.js';
import { emptyQueue, pushQueue, shiftQueue } from './event-queue.js';
import { inWindow, recordRestart } from './restart-intensity.js';
import { restartGroup } from './restart-strategy.js';
import { SupervisorError } from './supervisor-error.js';
import type { ExitDecision } from './supervisor-events.js';

type ExitEvent<S> = Extract<CoreEvent<S>, { type: 'exit' }>;

/**
 * The supervisor's decision function: pure, `(state, event) -> [state,
 * effects]`. Strategies, restart types, intensity, backoff, escalation and
 * ordered shutdown are all decided here; the XState logic only executes the
 * effects.
 *
 * @param state - The current core state.
 * @param event - What happened, stamped with the time.
 * @returns The next state and the effects to run, in order.
 * @example
 * ```ts
 * const [next, effects] = step(state, { type: 'init', children: [], now: 0, entropy: 0 });
 * ```
 */
export function step<S>(state: CoreState<S>, event: CoreEvent<S>): [CoreState<S>, CoreEffect<S>[]] {
  const d: Draft<S> = draft(state);
  dispatch(d, event);
  // Deferred events run once no operation blocks them, at today's time (like
  // messages an OTP supervisor reads after terminate_children returns).
  while (d.state.op === undefined && d.state.phase !== 'starting') {
    const shifted = shiftQueue(d.state.deferred);
    if (shifted === undefined) break;
    const [next, rest] = shifted;
    d.state = { ...d.state, deferred: rest };
    dispatch(d, { ...next, now: event.now, entropy: event.entropy });
  }
  return [d.state, d.effects];
}

function dispatch<S>(d: Draft<S>, e: CoreEvent<S>): void {
  if (e.type === 'kill') return kill(d, e);
  const { phase, op } = d.state;
  if (phase === 'stopped' || phase === 'escalated') return afterEnd(d, e);
  if (isAwaited(d, e)) return settleAwaited(d, e);
  if (op !== undefined || (phase === 'starting' && e.type !== 'init')) {
    d.state = { ...d.state, deferred: pushQueue(d.state.deferred, e) };
    return;
  }
  switch (e.type) {
    case 'init':
      d.state = { ...d.state, phase: 'running' };
      for (const child of e.children) addChild(d, child, e);
      return;
    case 'exit':
      return onExit(d, e);
    case 'terminated':
      return; // a late answer for a termination that already settled
    case 'timer': {
      // A clock may call back a little early: whatever is not due yet gets
      // a timer of its own again, so no restart is ever lost.
      let later: number | undefined;
      for (const child of childList(d.state.children)) {
        if (child.status !== 'restarting' || child.restartAt === undefined) continue;
        if (child.restartAt <= e.now) spawn(d, child, e, true);
        else later = Math.min(later ?? child.restartAt, child.restartAt);
      }
      if (later !== undefined) d.effects.push({ type: 'schedule', at: later });
      return;
    }
    case 'start-child':
      if (childOf(d, e.child.id) !== undefined) {
        const error = new SupervisorError('CHILD_EXISTS', `child '${e.child.id}' already exists`, {
          path: d.state.config.path,
        });
        return reply(d, e.requestId, { ok: false, error });
      }
      addChild(d, e.child, e);
      return reply(d, e.requestId, { ok: true, childId: e.child.id });
    case 'stop-child':
      if (childOf(d, e.id) === undefined) {
        const error = new SupervisorError('CHILD_NOT_FOUND', `no child '${e.id}'`, {
          path: d.state.config.path,
        });
        return reply(d, e.requestId, { ok: false, error });
      }
      return startOperation(d, [e.id], { kind: 'remove', requestId: e.requestId }, e);
    case 'stop': {
      d.state = { ...d.state, phase: 'stopping' };
      const queue = childIds(d).reverse();
      const requestIds = e.requestId === undefined ? [] : [e.requestId];
      return startOperation(d, queue, { kind: 'shutdown', requestIds }, e);
    }
  }
}

function addChild<S>(d: Draft<S>, child: NewChild<S>, stamp: Stamp): void {
  // Fields named one by one: a literal of one shape is cheaper than a spread,
  // and a start is on every workflow run's path.
  const record: CoreChild<S> = {
    id: child.id,
    spec: child.spec,
    restart: child.restart,
    intensity: child.intensity,
    status: 'running',
    incarnation: 0,
    restarts: 0,
    recent: [],
    restartAt: undefined,
    lastError: undefined,
  };
  putChild(d, record);
  spawn(d, record, stamp, false);
}

function onExit<S>(d: Draft<S>, e: ExitEvent<S>): void {
  const child = childOf(d, e.id);
  // Exits of an older incarnation, or of a child the supervisor already took
  // down, are stale: OTP ignores 'EXIT' from pids it no longer knows.
  if (child === undefined || child.incarnation !== e.incarnation || child.status !== 'running')
    return;
  const report = (decision: ExitDecision): void => {
    const path = pathOf(d, e.id);
    emit(
      d,
      e.failed
        ? { type: 'crashed', path, error: e.error, decision, at: e.now }
        : { type: 'exited', path, output: e.output, decision, at: e.now },
    );
  };
  // The actor has ended; the edge only needs to release what it holds.
  d.effects.push({ type: 'kill', id: child.id, incarnation: child.incarnation });
  const wanted = child.restart === 'permanent' || (child.restart === 'transient' && e.failed);
  const { intensity } = d.state.config;
  const recent = inWindow(child.recent, e.now, child.intensity?.withinMs ?? intensity.withinMs);
  if (!wanted || (child.intensity !== undefined && recent.length >= child.intensity.maxRestarts)) {
    report(wanted ? 'give-up' : 'remove');
    return dropChild(d, child.id);
  }
  const lastError = e.failed ? e.error : child.lastError;
  const record = recordRestart(d.state.restartLog, e.now, intensity);
  d.state = { ...d.state, restartLog: record.log };
  patchChild(d, child.id, { status: 'restarting', restartAt: undefined, lastError });
  if (record.exceeded) {
    report('escalate');
    const error = new SupervisorError(
      'INTENSITY_EXCEEDED',
      `supervisor '${d.state.config.path.join('/')}' exceeded ${intensity.maxRestarts} restarts in ${intensity.withinMs} ms`,
      { path: d.state.config.path, cause: e.failed ? e.error : undefined },
    );
    return startOperation(d, childIds(d).reverse(), { kind: 'escalate', error }, e);
  }
  report('restart');
  d.state = { ...d.state, restarts: d.state.restarts + 1 };
  patchChild(d, child.id, { recent: [...recent, e.now] });
  const { strategy } = d.state.config;
  const group =
    strategy === 'one-for-one' ? [child.id] : restartGroup(strategy, childIds(d), child.id);
  const queue = group.filter((id) => id !== child.id).reverse();
  startOperation(d, queue, { kind: 'restart', group, trigger: child.id }, e);
}

function afterEnd<S>(d: Draft<S>, e: CoreEvent<S>): void {
  if (e.type === 'stop') return reply(d, e.requestId, { ok: true, childId: undefined });
  if (e.type === 'start-child' || e.type === 'stop-child') {
    const error = new SupervisorError(
      'NOT_RUNNING',
      `supervisor '${d.state.config.path.join('/')}' is not running`,
      {
        path: d.state.config.path,
      },
    );
    reply(d, e.requestId, { ok: false, error });
  }
}

function kill<S>(d: Draft<S>, e: Stamp): void {
  const { phase, op, deferred, children } = d.state;
  if (phase === 'stopped' || phase === 'escalated') return;
  for (const child of [...childList(children)].reverse()) {
    if (child.status !== 'restarting') {
      d.effects.push({ type: 'kill', id: child.id, incarnation: child.incarnation });
    }
    emit(d, {
      type: 'stopped',
      path: pathOf(d, child.id),
      reason: 'killed',
      error: undefined,
      at: e.now,
    });
  }
  const pending = op?.then.kind === 'shutdown' ? op.then.requestIds : [];
  d.state = {
    ...d.state,
    phase: 'stopped',
    children: emptyChildTable(),
    op: undefined,
    deferred: emptyQueue(),
  };
  for (const id of pending) reply(d, id, { ok: true, childId: undefined });
  if (op?.then.kind === 'remove') reply(d, op.then.requestId, { ok: true, childId: undefined });
  for (const event of deferred) afterEnd(d, event);
  d.effects.push({ type: 'finish', exit: { reason: 'killed' } });
}
