import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: the main job runs from there, as `npm start` does. */
export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** How one run of the main job ended. */
export interface MainJobExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface MainJobOptions {
  /** Extra environment (AION_STORE, AION_ORDERS, ...). */
  readonly env: Record<string, string>;
  /** Sends `signal` to the process the first time this returns true for its stdout so far. */
  readonly interruptWhen?: (stdout: string) => boolean;
  /** @default 'SIGKILL' */
  readonly signal?: NodeJS.Signals;
  /** Kills the process (and fails) if it runs longer. @default 20000 */
  readonly timeoutMs?: number;
}

/**
 * Runs `docs/examples/main.ts` the way `npm start` does (node with the tsx
 * loader, from the repository root) in a child process.
 */
export function runMainJob(options: MainJobOptions): Promise<MainJobExit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'docs/examples/main.ts'], {
      cwd: repoRoot,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`main job timed out; stdout so far:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 20_000);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!interrupted && options.interruptWhen?.(stdout) === true) {
        interrupted = true;
        child.kill(options.signal ?? 'SIGKILL');
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
