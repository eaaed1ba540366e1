import type { AnyActorLogic } from 'xstate';

// A WeakSet rather than a property on the logic object: the logic stays a
// plain XState `ActorLogic` and the brand cannot be forged or copied by a spread.
const supervisorLogics = new WeakSet<AnyActorLogic>();

/**
 * Marks `logic` as supervisor logic (done by `supervisorLogic`).
 *
 * @param logic - The logic to mark.
 * @returns The same logic.
 * @example
 * ```ts
 * const logic = markSupervisorLogic(custom);
 * ```
 */
export function markSupervisorLogic<T extends AnyActorLogic>(logic: T): T {
  supervisorLogics.add(logic);
  return logic;
}

/**
 * Whether `logic` was made by `supervisorLogic`. A parent supervisor stops
 * such a child gracefully (its own ordered shutdown) and forwards its events.
 *
 * @param logic - Any actor logic.
 * @returns `true` for supervisor logic.
 * @example
 * ```ts
 * isSupervisorLogic(supervisorLogic({ id: 'x' })); // true
 * ```
 */
export function isSupervisorLogic(logic: AnyActorLogic): boolean {
  return supervisorLogics.has(logic);
}
