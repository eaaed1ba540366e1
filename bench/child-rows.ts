import { spawn } from 'node:child_process';
import type { BenchRow } from './workload.js';

/**
 * Runs `script` in a fresh Node process (with `--expose-gc`, and `tsx` when
 * the bench runs from sources) and resolves the rows it prints as JSON on
 * its last line of stdout.
 *
 * @param what names the child in the error when it fails.
 */
export function rowsFromChild(
  script: string,
  args: readonly string[],
  what: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BenchRow[]> {
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', ...loader, script, ...args], {
      env,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    proc.on('error', reject);
    proc.on('exit', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`${what} exited with ${code}`));
      else resolve(JSON.parse(last) as BenchRow[]);
    });
  });
}
