import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { AionError, ErrorCode, verifyStore } from '../../index.js';
import type { StoreProblem, StoreVerification } from '../../index.js';
import { readServerFile, serverFilePath } from '../../server/index.js';
import { CliError } from '../cli-error.js';
import { globalsOf, positiveInteger, print } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';
import { renderTable } from '../text-table.js';

/** The report of `aion doctor` as text. */
export function doctorText(storeDir: string, report: StoreVerification): string {
  const counts = `${report.runs} runs, ${report.events} events, ${report.records} records`;
  const head = `checked ${storeDir}: ${counts}`;
  if (report.ok) return `${head}\nno problems found`;
  const runs = report.affectedRuns === 1 ? '1 run' : `${report.affectedRuns} runs`;
  const problems = report.problemCount === 1 ? '1 problem' : `${report.problemCount} problems`;
  const rows = report.problems.map((p: StoreProblem) => [
    p.kind,
    p.key,
    p.workflowId === undefined ? '' : `${p.workflowId} ${p.runId ?? ''}`,
    p.message,
  ]);
  const table = renderTable(
    [{ header: 'PROBLEM' }, { header: 'KEY' }, { header: 'RUN' }, { header: 'WHY' }],
    rows,
  );
  const shown =
    report.problems.length < report.problemCount
      ? `\n(the first ${report.problems.length} of ${report.problemCount} are listed; --max-problems N lists more)`
      : '';
  return [
    head,
    `${problems} found, affecting ${runs}; nothing was changed`,
    '',
    table + shown,
    '',
    'back up the store directory before anything else; docs/operations.md#checking-a-store-aion-doctor says what each problem means',
  ].join('\n');
}

/** Turns "the store is open" into who holds it and what to do. */
async function lockedError(storeDir: string, error: AionError): Promise<CliError> {
  const holder = await readServerFile(serverFilePath(storeDir));
  const who =
    holder === undefined ? 'another engine or process' : `process ${holder.pid} (${holder.url})`;
  return new CliError(
    ErrorCode.STORE_LOCKED,
    `the store at ${storeDir} is held by ${who}: ${error.message}`,
    'aion doctor reads a closed store only: stop that engine (Ctrl-C on aion worker, engine.close()) and run it again',
    ExitCode.UNAVAILABLE,
  );
}

async function verify(
  storeDir: string,
  maxProblems: number | undefined,
): Promise<StoreVerification> {
  // LevelDB keeps a CURRENT file in every database directory.
  if (!existsSync(join(storeDir, 'CURRENT'))) {
    throw new CliError('NO_STORE', `no store at ${storeDir}`);
  }
  try {
    return await verifyStore(storeDir, maxProblems === undefined ? {} : { maxProblems });
  } catch (error) {
    if (error instanceof AionError && error.code === ErrorCode.STORE_LOCKED) {
      throw await lockedError(storeDir, error);
    }
    throw error;
  }
}

/** `aion doctor`: check every record of a closed store, changing nothing. */
export function registerDoctor(program: Command, { io, state }: CommandDeps): void {
  program
    .command('doctor')
    .description(
      'check every record of a closed store and list what is damaged or inconsistent, changing nothing',
    )
    .option('--max-problems <n>', 'list at most this many problems (default 1000)', positiveInteger)
    .action(async (options: { maxProblems?: number }, command: Command) => {
      const globals = globalsOf(command);
      const storeDir = resolve(io.cwd, globals.store);
      if (options.maxProblems === 0) {
        throw new CliError(
          'INVALID_ARGUMENT',
          '--max-problems must be at least 1',
          undefined,
          ExitCode.USAGE,
        );
      }
      const report = await verify(storeDir, options.maxProblems);
      print(io, globals, { store: storeDir, ...report }, () => doctorText(storeDir, report));
      if (!report.ok) state.exitCode = ExitCode.STORE_CORRUPT;
    });
}
