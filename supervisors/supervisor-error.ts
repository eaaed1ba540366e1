/**
 * Stable codes carried by {@link SupervisorError}; callers switch on `code`.
 *
 * - `INVALID_SPEC`: a supervisor or child spec failed validation.
 * - `CHILD_EXISTS`: `startChild` with an id already in use.
 * - `CHILD_NOT_FOUND`: `stopChild` (or a lookup) with an unknown id.
 * - `NOT_RUNNING`: a command reached a supervisor that is not running.
 * - `INTENSITY_EXCEEDED`: more restarts than the intensity allows; the error
 *   a supervisor fails with when it escalates (its `cause` is the last crash).
 *
 * @example
 * ```ts
 * import { SupervisorErrorCode } from 'aion-ts/supervisors';
 *
 * console.log(SupervisorErrorCode.CHILD_EXISTS); // 'CHILD_EXISTS'
 * ```
 */
export const SupervisorErrorCode = {
  INVALID_SPEC: 'INVALID_SPEC',
  CHILD_EXISTS: 'CHILD_EXISTS',
  CHILD_NOT_FOUND: 'CHILD_NOT_FOUND',
  NOT_RUNNING: 'NOT_RUNNING',
  INTENSITY_EXCEEDED: 'INTENSITY_EXCEEDED',
} as const;

/**
 * One of the {@link SupervisorErrorCode} values.
 *
 * @example
 * ```ts
 * const retryable = (code: SupervisorErrorCode): boolean => code === 'NOT_RUNNING';
 * ```
 */
export type SupervisorErrorCode = (typeof SupervisorErrorCode)[keyof typeof SupervisorErrorCode];

/**
 * The one error class of `aion-ts/supervisors`. It carries a stable `code`,
 * and for `INTENSITY_EXCEEDED` the crash that tipped the balance as `cause`.
 *
 * @example
 * ```ts
 * import { SupervisorError } from 'aion-ts/supervisors';
 *
 * try {
 *   await supervisor.stopChild('nope');
 * } catch (error) {
 *   if (error instanceof SupervisorError && error.code === 'CHILD_NOT_FOUND') console.log('gone');
 * }
 * ```
 */
export class SupervisorError extends Error {
  /** Stable machine-readable code. */
  readonly code: SupervisorErrorCode;
  /** Path of the supervisor that raised it, from the root. */
  readonly path: readonly string[];

  /**
   * @param code - The stable code.
   * @param message - A human-readable explanation.
   * @param options - `path` of the supervisor and the underlying `cause`.
   */
  constructor(
    code: SupervisorErrorCode,
    message: string,
    options: { readonly path?: readonly string[]; readonly cause?: unknown } = {},
  ) {
    super(message, 'cause' in options ? { cause: options.cause } : undefined);
    this.name = 'SupervisorError';
    this.code = code;
    this.path = options.path ?? [];
  }
}
