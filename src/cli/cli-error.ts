import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';

/** An error found by the CLI itself (a missing file, a store that is not there). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    readonly exitCode: ExitCode = ExitCode.FAILED,
  ) {
    super(message);
  }
}

/** What to do about each code, in one line. */
const HINTS: Readonly<Record<string, string>> = {
  WORKFLOW_NOT_FOUND: '`aion list` shows the runs of the store; check --store',
  WORKFLOW_NOT_RUNNING: 'the run has ended; `aion show` tells how',
  WORKFLOW_ALREADY_STARTED: 'pick another --id, or let the running run finish',
  UNKNOWN_WORKFLOW_TYPE:
    'the engine lacks that workflow: pass --module FILE, or run `aion worker FILE` and retry',
  STORE_LOCKED:
    'another process holds the store without serving its HTTP API: call engine.serve() there, or stop it',
  STORE_CORRUPT:
    'stop the engine and run `aion doctor` to list the damage; restore from a backup (docs/operations.md)',
  SERVER_UNREACHABLE:
    'the process named in the store server file does not answer; if it died, retry (the lock is gone)',
  UNAUTHORIZED: 'the server file holds an outdated token; the engine may have restarted, retry',
  NONDETERMINISM: 'the code no longer produces the recorded history; see docs/workflows.md',
  INVALID_ARGUMENT: 'see `aion <command> --help`',
  PAYLOAD_NOT_SERIALIZABLE:
    'payloads must be plain data (no functions, symbols or class instances)',
  PAYLOAD_TOO_LARGE: 'send a reference to the data instead of the data',
  QUERY_NOT_FOUND: 'the workflow registers its queries with ctx.onQuery',
  ENGINE_CLOSED: 'the engine was closing; retry',
  NO_STORE: 'pass --store PATH, or start a run first with `aion run FILE`',
};

function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'ERROR';
}

function exitCodeOf(error: unknown, code: string): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (code === 'NONDETERMINISM') return ExitCode.NONDETERMINISM;
  if (code === 'STORE_LOCKED' || code === 'SERVER_UNREACHABLE') return ExitCode.UNAVAILABLE;
  if (code === 'INVALID_ARGUMENT') return ExitCode.USAGE;
  return ExitCode.FAILED;
}

/**
 * Prints an error as one line, `aion: CODE: message (hint: ...)`, or as
 * JSON with `--json`; the stack only with `--verbose`.
 *
 * @returns the exit code for it.
 */
export function reportError(
  error: unknown,
  io: CliIo,
  options: { readonly json: boolean; readonly verbose: boolean },
): ExitCode {
  const code = codeOf(error);
  const message = error instanceof Error ? error.message : String(error);
  const hint = (error instanceof CliError ? error.hint : undefined) ?? HINTS[code];
  if (options.json) {
    io.stderr.write(`${JSON.stringify({ error: { code, message, hint } })}\n`);
  } else {
    io.stderr.write(`aion: ${code}: ${message}${hint === undefined ? '' : ` (hint: ${hint})`}\n`);
  }
  if (options.verbose && error instanceof Error && error.stack !== undefined) {
    io.stderr.write(`${error.stack}\n`);
  }
  return exitCodeOf(error, code);
}
