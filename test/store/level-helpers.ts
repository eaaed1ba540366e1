import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Temp directories made by a test file, removed by {@link removeTempDirs}. */
const dirs: string[] = [];

/** A fresh directory under the OS temp dir. */
export async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aion-store-'));
  dirs.push(dir);
  return dir;
}

/** Removes every directory made by {@link tempDir}. */
export async function removeTempDirs(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

// One opener of a closed store's raw LevelDB for every test that tampers.
export { withRawDb } from '../helpers/corrupt-store.js';
