import type { Command } from 'commander';
import * as door from '../../index.js';
import { CliError } from '../cli-error.js';
import type { CliIo, ReplayFunction } from '../cli-io.js';
import { globalsOf, print, withStore } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { loadDefinitions } from '../module-loader.js';

/**
 * `replayHistory` lives in `aion-ts/testing`, which the CLI may not import
 * (ARCHITECTURE.md) and which loads vitest. The CLI takes it from the
 * public door once it is exported there.
 */
function replayFunction(io: CliIo): ReplayFunction {
  if (io.replayHistory !== undefined) return io.replayHistory;
  const candidate = (door as unknown as Record<string, unknown>).replayHistory;
  if (typeof candidate === 'function') return candidate as ReplayFunction;
  throw new CliError(
    'NOT_AVAILABLE',
    'this build of aion-ts does not export replayHistory from its main entry',
    'use replayHistory from aion-ts/testing in a test meanwhile',
  );
}

/** `aion replay FILE WORKFLOW_ID`: replay a stored history against the current code. */
export function registerReplay(program: Command, { io, state }: CommandDeps): void {
  program
    .command('replay')
    .description(
      'replay a recorded history against the current code and report nondeterminism, without side effects',
    )
    .argument('<file>', 'the module with the current code of the workflow')
    .argument('<workflowId>', 'the workflow id')
    .option('--run <runId>', 'a specific run (default: the latest)')
    .action(
      async (file: string, workflowId: string, options: { run?: string }, command: Command) => {
        const globals = globalsOf(command);
        const definitions = await loadDefinitions(file, io);
        const replay = replayFunction(io);
        // The store is opened without the definitions, so nothing resumes here.
        await withStore(io, { store: globals.store }, async ({ api }) => {
          const description = await api.describe(workflowId, options.run);
          const definition = definitions.workflows.find((w) => w.name === description.workflowType);
          if (definition === undefined) {
            throw new CliError(
              'UNKNOWN_WORKFLOW_TYPE',
              `${file} has no workflow '${description.workflowType}'`,
              'pass the module that defines the workflow of this run',
              ExitCode.USAGE,
            );
          }
          const history = await api.history(workflowId, description.runId);
          const report = await replay(definition, history);
          const run = `${description.workflowType} ${workflowId} run ${description.runId}`;
          if (report.ok) {
            const json = {
              ok: true,
              workflowId,
              runId: description.runId,
              events: history.length,
              outcome: report.outcome.type,
            };
            print(
              io,
              globals,
              json,
              () =>
                `ok: ${run} replays its ${history.length} events (code outcome: ${report.outcome.type})`,
            );
            return;
          }
          const { code, message, details } = report.error;
          print(
            io,
            globals,
            { ok: false, workflowId, runId: description.runId, error: { code, message, details } },
            () => `${code}: ${message}`,
          );
          state.exitCode = ExitCode.NONDETERMINISM;
        });
      },
    );
}
