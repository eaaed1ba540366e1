import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { globalsOf } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import { ExitCode } from '../exit-codes.js';

/** The checkout or installed package this file belongs to. */
function packageRoot(): string | undefined {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const { name } = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (name === 'aion-ts') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `aion bench`: the standard benchmark, from a source checkout. */
export function registerBench(program: Command, { io, state }: CommandDeps): void {
  program
    .command('bench')
    .description('run the standard benchmark (needs a source checkout: the suite is not published)')
    .option('--smoke', 'a tiny, fast run')
    .option('--only <names>', 'only these workloads (comma separated: store, engine, supervisors)')
    .action(async (options: { smoke?: boolean; only?: string }, command: Command) => {
      const globals = globalsOf(command);
      const root = packageRoot();
      const entry = root === undefined ? undefined : join(root, 'bench', 'index.ts');
      if (root === undefined || entry === undefined || !existsSync(entry)) {
        throw new CliError(
          'NO_BENCH',
          'the benchmark suite is not part of the installed package',
          'clone the aion-ts repository and run `npm run bench` there',
        );
      }
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        cwd: root,
        env: {
          ...process.env,
          ...(options.smoke === true ? { BENCH_SMOKE: '1' } : {}),
          ...(options.only === undefined ? {} : { BENCH_ONLY: options.only }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const table = globals.json ? io.stderr : io.stdout;
      child.stdout.on('data', (chunk: Buffer) => table.write(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => io.stderr.write(chunk.toString()));
      const stop = (): boolean => child.kill('SIGINT');
      io.signal?.addEventListener('abort', stop, { once: true });
      const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
      io.signal?.removeEventListener('abort', stop);
      if (code !== 0) {
        state.exitCode = io.signal?.aborted === true ? ExitCode.INTERRUPTED : ExitCode.FAILED;
        return;
      }
      if (globals.json) {
        io.stdout.write(readFileSync(join(root, 'bench', 'results', 'latest.json'), 'utf8'));
      }
    });
}
