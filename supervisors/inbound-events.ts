import { exitOf } from './child-effects.js';
import type { CoreEvent, NewChild } from './core-state.js';
import {
  resolveChildSpec,
  type CompileNested,
  type ResolvedChild,
  type ResolvedSupervisorSpec,
} from './resolve-spec.js';
import { SupervisorError } from './supervisor-error.js';
import type { SupervisorActorEvent } from './supervisor-logic.js';
import { safeCall, type CommandResult, type SupervisorRuntime } from './supervisor-runtime.js';

/**
 * A resolved child as the core sees it.
 *
 * @example
 * ```ts
 * const child = toNewChild(resolved);
 * ```
 */
export function toNewChild(spec: ResolvedChild): NewChild<ResolvedChild> {
  return { id: spec.id, spec, restart: spec.restart, intensity: spec.intensity };
}

/**
 * Translates what the supervisor actor receives into a core event, stamped
 * with the clock's time and (only when jitter is on) fresh entropy. Events
 * the core has no use for (what children send their parent, stale relays)
 * become `undefined`; a child spec that fails validation is answered here.
 *
 * @param event - The XState event.
 * @param rt - The supervisor's runtime.
 * @param spec - The supervisor's resolved spec.
 * @param compile - Builds nested supervisor logic for dynamic children.
 * @returns The core event, if any.
 * @example
 * ```ts
 * const first = toCoreEvent(event, rt, resolved, supervisorLogic);
 * ```
 */
export function toCoreEvent(
  event: SupervisorActorEvent,
  rt: SupervisorRuntime,
  spec: ResolvedSupervisorSpec,
  compile: CompileNested,
): CoreEvent<ResolvedChild> | undefined {
  const stamp = { now: rt.clock.now(), entropy: (spec.backoff?.jitter ?? 0) > 0 ? rt.random() : 0 };
  // Widened: XState also delivers `xstate.stop`, the relays of children's
  // ends, and whatever children send to their parent (ignored).
  const type: string = event.type;
  if (type === 'xstate.stop') return { type: 'kill', ...stamp };
  if (type.startsWith('xstate.error.actor.') || type.startsWith('xstate.done.actor.')) {
    return exitOf(rt, (event as { actorId?: unknown }).actorId, stamp);
  }
  switch (event.type) {
    case 'supervisor.init':
      return { type: 'init', children: spec.children.map(toNewChild), ...stamp };
    case 'supervisor.timer':
      return { type: 'timer', ...stamp };
    case 'supervisor.terminated':
      return { ...event, type: 'terminated', ...stamp };
    case 'supervisor.startChild': {
      let child: ResolvedChild;
      try {
        child = resolveChildSpec(event.child, spec.shutdownTimeoutMs, compile);
      } catch (error) {
        const reason =
          error instanceof SupervisorError
            ? error
            : new SupervisorError('INVALID_SPEC', String(error));
        const reply = event.reply;
        if (reply !== undefined)
          safeCall(() => reply({ ok: false, error: reason }), rt.reportError);
        return undefined;
      }
      return {
        type: 'start-child',
        child: toNewChild(child),
        requestId: register(rt, event.reply),
        ...stamp,
      };
    }
    case 'supervisor.stopChild':
      return { type: 'stop-child', id: event.id, requestId: register(rt, event.reply), ...stamp };
    case 'supervisor.stop':
      return { type: 'stop', requestId: register(rt, event.reply), ...stamp };
    default:
      return undefined;
  }
}

function register(
  rt: SupervisorRuntime,
  reply: ((result: CommandResult) => void) | undefined,
): number {
  const id = rt.nextRequestId++;
  if (reply !== undefined) rt.replies.set(id, reply);
  return id;
}
