import { Engine } from '../../src/index.js';
import type { EngineOptions } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import type { MemoryStoreData, RunAppend } from '../../src/store/index.js';

/**
 * Opens an engine on the tables of a MemoryStore, as a new process would on
 * a store directory: give the same `data` to the next call to "restart".
 * The engine's `close()` also closes its store, which releases the tables.
 *
 * @param beforeWrite sees every commit before it is applied (see MemoryStore).
 */
export async function openOnTables(
  data: MemoryStoreData,
  options: Omit<EngineOptions, 'store'>,
  beforeWrite?: (appends: readonly RunAppend[]) => void,
): Promise<Engine> {
  const store = new MemoryStore({ data, ...(beforeWrite === undefined ? {} : { beforeWrite }) });
  const engine = await Engine.open({ ...options, store });
  const close = engine.close.bind(engine);
  engine.close = () => close().then(() => store.close());
  return engine;
}
