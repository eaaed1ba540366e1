import { fileURLToPath } from 'node:url';
import { runCli } from '../../src/cli/index.js';
import type { CliIo } from '../../src/cli/index.js';
import { replayHistory } from '../../src/testing/index.js';

export const fixture = (name: string): string =>
  fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));

/** What one `aion` invocation printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON (for `--json`). */
  json(): any;
}

/** Options of {@link aion}. */
export interface AionOptions {
  readonly signal?: AbortSignal;
  readonly onServing?: CliIo['onServing'];
  readonly tty?: boolean;
}

/**
 * Runs `aion` in this process with buffered output. Modules load through
 * vitest's own import, so the fixtures share the engine's module instances.
 */
export async function aion(args: readonly string[], options: AionOptions = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text), isTTY: options.tty === true },
    cwd: process.cwd(),
    importModule: (path) => import(path) as Promise<Record<string, unknown>>,
    replayHistory,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.onServing === undefined ? {} : { onServing: options.onServing }),
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
