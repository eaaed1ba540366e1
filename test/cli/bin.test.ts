import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { aion, fixture } from './cli-harness.js';

const tempDir = useTempDirs('cli-bin');
const repo = fileURLToPath(new URL('../../', import.meta.url));
const main = join(repo, 'src/cli/main.ts');

/** Runs the real `aion` entry point in a child process (TypeScript through tsx). */
function spawnAion(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', main, ...args], {
    cwd: repo,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe('the aion binary', () => {
  it('loads a TypeScript module with tsx and shares the engine with it', async () => {
    const store = join(await tempDir(), 'store');
    // refused throws ApplicationError: only the engine's own class makes the run `failed`.
    const run = spawnAion(['run', fixture('shop.ts'), '-w', 'refused', '--json', '--store', store]);
    expect(await run.exited).toBe(3);
    expect(JSON.parse(run.stdout())).toMatchObject({
      status: 'failed',
      error: { name: 'CardDeclined', message: 'card declined' },
    });
  });

  it('runs a worker until SIGINT, then closes the engine and exits 0', async () => {
    const store = join(await tempDir(), 'store');
    const worker = spawnAion(['worker', fixture('shop.ts'), '--json', '--store', store]);
    await new Promise<void>((resolve, reject) => {
      worker.child.stdout.on('data', () => worker.stdout().includes('\n') && resolve());
      void worker.exited.then(() => reject(new Error(`worker exited: ${worker.stderr()}`)));
    });
    const info = JSON.parse(worker.stdout());
    expect(info).toMatchObject({
      pid: worker.child.pid,
      workflows: ['approval', 'order', 'refused'],
    });
    const run = await aion([
      'run',
      fixture('shop.ts'),
      '-w',
      'order',
      '-i',
      '{"cents": 5}',
      '--json',
      '--store',
      store,
    ]);
    expect(run.json()).toMatchObject({
      status: 'completed',
      result: { chargeId: 'ch_5', flaky: 'ok' },
    });
    worker.child.kill('SIGINT');
    expect(await worker.exited).toBe(0);
    expect(existsSync(join(store, 'aion-server.json'))).toBe(false);
    expect((await aion(['list', '--json', '--store', store])).json().items).toHaveLength(1);
  });
});
