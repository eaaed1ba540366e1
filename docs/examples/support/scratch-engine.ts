import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Engine } from 'aion-ts';
import type { EngineOptions } from 'aion-ts';

/**
 * Opens an engine on a fresh temporary store, hands it to `use`, then
 * closes it and deletes the store. The docs' examples use it so that they
 * can run anywhere without touching ./.aion.
 */
export async function withScratchEngine<T>(
  options: Omit<EngineOptions, 'store'>,
  use: (engine: Engine, store: string) => Promise<T>,
): Promise<T> {
  const store = await mkdtemp(join(tmpdir(), 'aion-example-'));
  const engine = await Engine.open({ ...options, store });
  try {
    return await use(engine, store);
  } finally {
    await engine.close();
    await rm(store, { recursive: true, force: true });
  }
}

/** A scratch store directory that `use` may open and close engines on, deleted afterwards. */
export async function withScratchStore<T>(use: (store: string) => Promise<T>): Promise<T> {
  const store = await mkdtemp(join(tmpdir(), 'aion-example-'));
  try {
    return await use(store);
  } finally {
    await rm(store, { recursive: true, force: true });
  }
}
