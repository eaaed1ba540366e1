import type { Command } from 'commander';
import type { HistoryEvent } from '../../index.js';
import { globalsOf, parseJson, print, withStore } from '../command-context.js';
import type { CommandDeps, GlobalOptions } from '../command-context.js';
import type { CliIo } from '../cli-io.js';
import { ExitCode } from '../exit-codes.js';
import { loadDefinitions, pickWorkflow } from '../module-loader.js';
import { createProgress, followRun } from '../run-follower.js';

interface RunOptions {
  readonly workflow?: string;
  readonly input?: string;
  readonly id?: string;
  readonly progress: boolean;
}

const STATUS_OF: Readonly<Record<string, string>> = {
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowCancelled: 'cancelled',
  WorkflowTerminated: 'terminated',
  WorkflowTimedOut: 'timedOut',
};

/** Prints how the run ended; returns the exit code. */
function printOutcome(io: CliIo, globals: GlobalOptions, terminal: HistoryEvent): ExitCode {
  const status = STATUS_OF[terminal.type] ?? terminal.type;
  const { workflowId, runId } = terminal;
  if (terminal.type === 'WorkflowCompleted') {
    const json = { workflowId, runId, status, result: terminal.result };
    print(
      io,
      globals,
      json,
      () => `completed ${workflowId}\n${JSON.stringify(terminal.result, null, 2) ?? 'undefined'}`,
    );
    return ExitCode.OK;
  }
  if (terminal.type === 'WorkflowFailed') {
    const { error } = terminal;
    print(
      io,
      globals,
      { workflowId, runId, status, error },
      () => `failed ${workflowId}: ${error.code ?? error.name}: ${error.message}`,
    );
  } else {
    const reason = 'reason' in terminal ? terminal.reason : '';
    print(
      io,
      globals,
      { workflowId, runId, status, reason },
      () => `${status} ${workflowId}: ${reason}`,
    );
  }
  return ExitCode.RUN_NOT_COMPLETED;
}

/** `aion run FILE`: start one run, show it live, print the outcome. */
export function registerRun(program: Command, { io, state }: CommandDeps): void {
  program
    .command('run')
    .description(
      'load a module of workflows and activities, start one run, show live progress, print the outcome',
    )
    .argument('<file>', 'a .ts or .js module exporting workflow and activity definitions')
    .option('-w, --workflow <name>', 'the workflow to start (default: the only one exported)')
    .option('-i, --input <json>', 'the input, as JSON')
    .option('--id <workflowId>', 'the workflow id (default: a new ULID)')
    .option('--no-progress', 'do not show events as they commit')
    .action(async (file: string, options: RunOptions, command: Command) => {
      const globals = globalsOf(command);
      const input = parseJson(options.input, 'the input');
      const definitions = await loadDefinitions(file, io);
      const workflow = pickWorkflow(definitions, options.workflow);
      await withStore(io, { store: globals.store, definitions, create: true }, async ({ api }) => {
        const { workflowId, runId } = await api.start({
          workflowType: workflow.name,
          input,
          ...(options.id === undefined ? {} : { workflowId: options.id }),
        });
        const progress = createProgress(io, options.progress && !globals.json);
        const terminal = await followRun(
          api,
          workflowId,
          runId,
          (e) => progress.event(e),
          io.signal,
        );
        progress.done();
        if (terminal === undefined) {
          io.stderr.write(
            `interrupted; run ${workflowId} goes on in the store (aion show ${workflowId})\n`,
          );
          state.exitCode = ExitCode.INTERRUPTED;
          return;
        }
        state.exitCode = printOutcome(io, globals, terminal);
      });
    });
}
