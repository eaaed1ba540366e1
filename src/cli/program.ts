import { Command, CommanderError } from 'commander';
import { ErrorCode } from '../index.js';
import { CliError, reportError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import type { CliState, CommandDeps } from './command-context.js';
import { registerBench } from './commands/bench-command.js';
import { registerDoctor } from './commands/doctor-command.js';
import { registerList } from './commands/list-command.js';
import { registerOperate } from './commands/operate-commands.js';
import { registerReplay } from './commands/replay-command.js';
import { registerRun } from './commands/run-command.js';
import { registerServe } from './commands/serve-commands.js';
import { registerShow } from './commands/show-command.js';
import { ExitCode } from './exit-codes.js';

/**
 * Builds the `aion` program: global options, every command, output
 * through `io`, and no `process.exit` (errors are thrown to
 * {@link runCli}).
 */
export function createProgram(io: CliIo, state: CliState, json = false): Command {
  const program = new Command('aion')
    .description('operate aion-ts durable workflows: run, inspect, signal, replay, watch, check')
    .option('-s, --store <path>', 'the store directory', './.aion')
    .option('--json', 'print machine-readable JSON')
    .option('--verbose', 'print stack traces with errors')
    .configureHelp({ showGlobalOptions: true })
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      // With --json, stderr carries one JSON error line: runCli writes it.
      writeErr: (text) => void (json ? undefined : io.stderr.write(text)),
    })
    .showHelpAfterError('(see --help)')
    .exitOverride();
  const deps: CommandDeps = { io, state };
  registerRun(program, deps);
  registerServe(program, deps);
  registerList(program, deps);
  registerShow(program, deps);
  registerOperate(program, deps);
  registerReplay(program, deps);
  registerDoctor(program, deps);
  registerBench(program, deps);
  return program;
}

/**
 * Runs `aion` with `argv` (the arguments after the program name).
 *
 * @returns the exit code (see {@link ExitCode}).
 * @example
 * ```ts
 * const code = await runCli(['list', '--json'], { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() });
 * ```
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  const state: CliState = { exitCode: ExitCode.OK };
  const json = argv.includes('--json');
  const verbose = argv.includes('--verbose');
  const program = createProgram(io, state, json);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; every parse error is a usage error,
      // printed by commander, or as the JSON error line with --json.
      if (error.exitCode === 0) return ExitCode.OK;
      if (!json) return ExitCode.USAGE;
      const message = error.message.replace(/^error: /, '');
      const usage = new CliError(ErrorCode.INVALID_ARGUMENT, message, undefined, ExitCode.USAGE);
      return reportError(usage, io, { json, verbose });
    }
    return reportError(error, io, { json, verbose });
  }
}
