import type { Command } from 'commander';
import { globalsOf, parseJson, print, withStore } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import type { CliIo } from '../cli-io.js';
import { loadDefinitions } from '../module-loader.js';
import type { OpenStoreOptions } from '../store-access.js';

interface OperateOptions {
  readonly run?: string;
  readonly module?: string;
  readonly reason?: string;
}

const MODULE_HELP =
  "when no engine serves the store: register this module's definitions, so that the run can be operated here";

/** Store options of an operating command: the module's definitions when given. */
async function storeOptions(
  io: CliIo,
  store: string,
  options: OperateOptions,
): Promise<OpenStoreOptions> {
  if (options.module === undefined) return { store };
  return { store, definitions: await loadDefinitions(options.module, io) };
}

/** `aion signal`, `aion query`, `aion cancel`, `aion terminate`. */
export function registerOperate(program: Command, { io }: CommandDeps): void {
  program
    .command('signal')
    .description('send a signal to a run')
    .argument('<workflowId>', 'the workflow id')
    .argument('<name>', 'the signal name')
    .argument('[payload]', 'the payload, as JSON')
    .option('--run <runId>', 'a specific run (default: the latest)')
    .option('-m, --module <file>', MODULE_HELP)
    .action(
      async (
        workflowId: string,
        name: string,
        payloadText: string | undefined,
        options: OperateOptions,
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const payload = parseJson(payloadText, 'the payload');
        await withStore(io, await storeOptions(io, globals.store, options), async ({ api }) => {
          await api.signal(workflowId, name, payload, options.run);
          print(
            io,
            globals,
            { ok: true, workflowId, signal: name },
            () => `signalled '${name}' to ${workflowId}`,
          );
        });
      },
    );

  program
    .command('query')
    .description('ask a run a query and print the answer')
    .argument('<workflowId>', 'the workflow id')
    .argument('<name>', 'the query name')
    .argument('[args]', 'the arguments, as a JSON array (or one JSON value)')
    .option('--run <runId>', 'a specific run (default: the latest)')
    .option('-m, --module <file>', MODULE_HELP)
    .action(
      async (
        workflowId: string,
        name: string,
        argsText: string | undefined,
        options: OperateOptions,
        command: Command,
      ) => {
        const globals = globalsOf(command);
        const parsed = parseJson(argsText, 'the query arguments');
        const args =
          parsed === undefined ? [] : Array.isArray(parsed) ? (parsed as unknown[]) : [parsed];
        await withStore(io, await storeOptions(io, globals.store, options), async ({ api }) => {
          const result = await api.query(workflowId, name, args, options.run);
          print(io, globals, { result }, () => JSON.stringify(result, null, 2) ?? 'undefined');
        });
      },
    );

  for (const verb of ['cancel', 'terminate'] as const) {
    program
      .command(verb)
      .description(
        verb === 'cancel'
          ? 'request cancellation of a run (its code sees it and cleans up)'
          : 'end a run at once, without running its code',
      )
      .argument('<workflowId>', 'the workflow id')
      .option('--reason <text>', 'recorded in the history')
      .option('--run <runId>', 'a specific run (default: the latest)')
      .option('-m, --module <file>', MODULE_HELP)
      .action(async (workflowId: string, options: OperateOptions, command: Command) => {
        const globals = globalsOf(command);
        await withStore(io, await storeOptions(io, globals.store, options), async ({ api }) => {
          await api[verb](workflowId, options.reason, options.run);
          const done = verb === 'cancel' ? 'cancellation requested for' : 'terminated';
          print(io, globals, { ok: true, workflowId }, () => `${done} ${workflowId}`);
        });
      });
  }
}
