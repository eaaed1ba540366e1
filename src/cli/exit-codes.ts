/**
 * The exit codes of `aion`. Scripts can rely on them; docs/operations.md
 * lists them.
 */
export const ExitCode = {
  /** The command did what was asked. */
  OK: 0,
  /** The command failed (the error line says why). */
  FAILED: 1,
  /** Bad usage: unknown command or option, missing or malformed argument. */
  USAGE: 2,
  /** `aion run`: the run ended, but not `completed` (failed, cancelled, timed out, terminated). */
  RUN_NOT_COMPLETED: 3,
  /** `aion replay`: the history does not replay against the current code. */
  NONDETERMINISM: 4,
  /** The store is locked by a process that cannot be reached. */
  UNAVAILABLE: 5,
  /** `aion doctor`: the store holds damaged or inconsistent records. */
  STORE_CORRUPT: 6,
  /** Interrupted by Ctrl-C before the command finished. */
  INTERRUPTED: 130,
} as const;

/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
