import type { Strategy } from './supervisor-spec.js';

/**
 * The children a strategy restarts when `trigger` must be restarted, in
 * start order.
 *
 * @param strategy - The supervisor's strategy.
 * @param ids - All the supervisor's children, in start order.
 * @param trigger - The child that crashed (or ended and is permanent).
 * @returns `[trigger]` for one-for-one, every child for one-for-all,
 *   `trigger` and the children after it for rest-for-one.
 * @example
 * ```ts
 * restartGroup('rest-for-one', ['a', 'b', 'c'], 'b'); // ['b', 'c']
 * ```
 */
export function restartGroup(
  strategy: Strategy,
  ids: readonly string[],
  trigger: string,
): string[] {
  switch (strategy) {
    case 'one-for-one':
      return [trigger];
    case 'one-for-all':
      return [...ids];
    case 'rest-for-one': {
      const at = ids.indexOf(trigger);
      return at < 0 ? [trigger] : ids.slice(at);
    }
  }
}
