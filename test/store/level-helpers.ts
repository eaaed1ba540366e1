import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';

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

/** Opens the raw LevelDB of a closed store, for tampering and layout checks. */
export async function withRawDb<T>(
  dir: string,
  fn: (db: Level<string, Uint8Array>) => Promise<T>,
): Promise<T> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}
