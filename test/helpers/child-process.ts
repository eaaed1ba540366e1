import { spawn } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/** A TypeScript fixture running in a child process, read line by line. */
export interface ChildProcess {
  /** Every stdout line so far. */
  readonly lines: string[];
  /** Resolves with the first line that starts with `prefix`; rejects if the child exits first. */
  waitFor(prefix: string): Promise<string>;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** What the child wrote on stderr so far. */
  stderr(): string;
  /** SIGKILL: the child dies at once, whatever it was doing. */
  kill(): void;
}

/**
 * Runs `file` in a child process with `env` added: TypeScript through tsx,
 * or a bundle from {@link bundleFixture} (`.mjs`) with plain node.
 */
export function startChildProcess(file: string, env: Record<string, string>): ChildProcess {
  const args = file.endsWith('.mjs') ? [file] : ['--import', 'tsx', file];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<{ prefix: string; resolve: (line: string) => void }> = [];
  let partial = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    const parts = (partial + chunk).split('\n');
    partial = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const waiter of waiters.filter((w) => line.startsWith(w.prefix))) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve(line);
      }
    }
  });
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    lines,
    exited,
    stderr: () => stderr,
    waitFor: (prefix) =>
      new Promise<string>((resolve, reject) => {
        const seen = lines.find((line) => line.startsWith(prefix));
        if (seen !== undefined) return resolve(seen);
        waiters.push({ prefix, resolve });
        void exited.then(({ code, signal }) =>
          reject(new Error(`child exited (${code ?? signal}) before ${prefix}: ${stderr}`)),
        );
      }),
    kill: () => child.kill('SIGKILL'),
  };
}

const CACHE = fileURLToPath(new URL('../../node_modules/.cache/aion-fixtures/', import.meta.url));

/**
 * Bundles a TypeScript fixture and the sources it imports into one ESM file
 * (packages stay external), for tests that start it many times: plain node
 * starts it in about half the time tsx needs. It lives under
 * node_modules/.cache so that its package imports resolve.
 *
 * @returns the bundle's path and a function that removes it.
 */
export async function bundleFixture(
  file: string,
): Promise<{ readonly path: string; remove(): Promise<void> }> {
  const path = join(CACHE, `${basename(file, '.ts')}-${process.pid}-${Date.now()}.mjs`);
  await build({
    entryPoints: [file],
    outfile: path,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
  });
  return { path, remove: () => rm(path, { force: true }) };
}
