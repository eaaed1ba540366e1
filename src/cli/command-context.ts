import { InvalidArgumentError as CommanderArgumentError } from 'commander';
import type { Command } from 'commander';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { openStore } from './store-access.js';
import type { OpenStoreOptions, StoreAccess } from './store-access.js';

/** The options every command has (declared on the program). */
export interface GlobalOptions {
  readonly store: string;
  readonly json: boolean;
  readonly verbose: boolean;
}

/** What a command sets for `runCli` to return. */
export interface CliState {
  exitCode: ExitCode;
}

/** Everything a command registration needs. */
export interface CommandDeps {
  readonly io: CliIo;
  readonly state: CliState;
}

/** The global options as a command sees them. */
export function globalsOf(command: Command): GlobalOptions {
  const options = command.optsWithGlobals<{ store?: string; json?: boolean; verbose?: boolean }>();
  return {
    store: options.store ?? './.aion',
    json: options.json === true,
    verbose: options.verbose === true,
  };
}

/** Prints `json` with `--json`, otherwise the text `text()` makes. */
export function print(io: CliIo, globals: GlobalOptions, json: unknown, text: () => string): void {
  io.stdout.write(globals.json ? `${JSON.stringify(json, bigintSafe)}\n` : `${text()}\n`);
}

function bigintSafe(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Runs `work` against the store's engine (opened here, or reached over
 * HTTP) and releases it afterwards, whatever happens.
 */
export async function withStore<T>(
  io: CliIo,
  options: OpenStoreOptions,
  work: (access: StoreAccess) => Promise<T>,
): Promise<T> {
  const access = await openStore(io, options);
  try {
    return await work(access);
  } finally {
    await access.api.close();
  }
}

/**
 * Parses a JSON argument (`--input`, a signal payload).
 *
 * @throws CliError `INVALID_ARGUMENT` naming the argument.
 */
export function parseJson(text: string | undefined, what: string): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CliError(
      'INVALID_ARGUMENT',
      `${what} is not valid JSON: ${text.length > 40 ? `${text.slice(0, 39)}…` : text}`,
      `quote it for the shell, e.g. '{"id": 1}'`,
      ExitCode.USAGE,
    );
  }
}

/** Commander parser of a positive integer option. */
export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0) {
    throw new CommanderArgumentError('expected a non-negative integer');
  }
  return value;
}

/** Resolves when `signal` aborts (never without one). */
export function aborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal === undefined) return;
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}
