import type { Command } from 'commander';
import type { Engine } from '../../index.js';
import { readServerFile, serverFilePath } from '../../server/index.js';
import { aborted, globalsOf, positiveInteger, print } from '../command-context.js';
import type { CommandDeps, GlobalOptions } from '../command-context.js';
import type { CliIo } from '../cli-io.js';
import { loadDefinitions } from '../module-loader.js';
import type { Definitions } from '../module-loader.js';
import { openStore, openStoreExclusively } from '../store-access.js';

interface ServeFlags {
  readonly port?: number;
  readonly host?: string;
  readonly dashboard?: boolean;
  readonly module?: string;
}

/**
 * Serves the engine's HTTP API (and so its dashboard) until the CLI's
 * signal aborts (Ctrl-C), then closes the engine cleanly.
 */
async function serveUntilStopped(
  io: CliIo,
  globals: GlobalOptions,
  engine: Engine,
  storeDir: string,
  flags: ServeFlags,
  describe: (url: string, dashboardUrl: string) => string,
  definitions?: Definitions,
): Promise<void> {
  try {
    const server = await engine.serve({
      ...(flags.port === undefined ? {} : { port: flags.port }),
      ...(flags.host === undefined ? {} : { host: flags.host }),
    });
    const json = {
      storeDir,
      url: server.url,
      dashboardUrl: server.dashboardUrl,
      tokenFile: server.tokenFile,
      pid: process.pid,
      workflows: definitions?.workflows.map((w) => w.name) ?? [],
      activities: definitions?.activities.map((a) => a.name) ?? [],
    };
    print(io, globals, json, () => describe(server.url, server.dashboardUrl));
    io.onServing?.({ url: server.url, dashboardUrl: server.dashboardUrl });
    await aborted(io.signal);
    if (!globals.json) io.stderr.write('stopping: closing the engine\n');
  } finally {
    await engine.close();
  }
}

/** `aion worker FILE` and `aion dashboard`. */
export function registerServe(program: Command, { io }: CommandDeps): void {
  program
    .command('worker')
    .description(
      "open the engine with the module's definitions and serve every run of the store until Ctrl-C",
    )
    .argument('<file>', 'a .ts or .js module exporting workflow and activity definitions')
    .option('--dashboard', 'print the dashboard link')
    .option('--port <n>', 'port of the HTTP API (default: a free one)', positiveInteger)
    .option('--host <host>', 'interface of the HTTP API (default: 127.0.0.1)')
    .action(async (file: string, flags: ServeFlags, command: Command) => {
      const globals = globalsOf(command);
      const definitions = await loadDefinitions(file, io);
      const { engine, storeDir } = await openStoreExclusively(io, {
        store: globals.store,
        definitions,
      });
      const names = definitions.workflows.map((w) => w.name).join(', ');
      await serveUntilStopped(
        io,
        globals,
        engine,
        storeDir,
        flags,
        (url, dashboardUrl) =>
          [
            `worker: serving ${storeDir} (workflows: ${names}); Ctrl-C to stop`,
            `api: ${url} (token in ${serverFilePath(storeDir)})`,
            ...(flags.dashboard === true ? [`dashboard: ${dashboardUrl}`] : []),
          ].join('\n'),
        definitions,
      );
    });

  program
    .command('dashboard')
    .description('serve the live web dashboard of the store (localhost only by default)')
    .option('--port <n>', 'port (default: a free one)', positiveInteger)
    .option('--host <host>', 'interface (default: 127.0.0.1)')
    .option('-m, --module <file>', "also run this module's workflows while serving")
    .action(async (flags: ServeFlags, command: Command) => {
      const globals = globalsOf(command);
      const definitions =
        flags.module === undefined ? undefined : await loadDefinitions(flags.module, io);
      const access = await openStore(io, {
        store: globals.store,
        ...(definitions === undefined ? {} : { definitions }),
      });
      if (access.engine === undefined) {
        // Another process holds the store and serves it: its dashboard is the one.
        const info = await readServerFile(serverFilePath(access.storeDir));
        const dashboardUrl = info === undefined ? undefined : `${info.url}/?token=${info.token}`;
        print(
          io,
          globals,
          { url: info?.url, dashboardUrl, pid: info?.pid },
          () => `process ${info?.pid ?? '?'} serves this store\ndashboard: ${dashboardUrl ?? '?'}`,
        );
        return;
      }
      await serveUntilStopped(
        io,
        globals,
        access.engine,
        access.storeDir,
        flags,
        (url, dashboardUrl) =>
          [
            `dashboard of ${access.storeDir}; Ctrl-C to stop`,
            `dashboard: ${dashboardUrl}`,
            `api: ${url}`,
          ].join('\n'),
        definitions,
      );
    });
}
