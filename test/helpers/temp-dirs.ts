import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/**
 * Registers an `afterEach` that removes every directory made by the returned
 * function; call it at the top level of a test file.
 */
export function useTempDirs(prefix: string): () => Promise<string> {
  let dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    dirs = [];
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), `aion-${prefix}-`));
    dirs.push(dir);
    return dir;
  };
}
