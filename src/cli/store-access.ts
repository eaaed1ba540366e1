import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AionError, Engine, ErrorCode } from '../index.js';
import { connectToServer, readServerFile, serverFilePath } from '../server/index.js';
import type { AionApi } from '../server/index.js';
import { CliError } from './cli-error.js';
import type { CliIo } from './cli-io.js';
import { ExitCode } from './exit-codes.js';
import { localApi } from './local-api.js';
import type { Definitions } from './module-loader.js';

/** Options of {@link openStore}. */
export interface OpenStoreOptions {
  /** The `--store` option, relative to the working directory. */
  readonly store: string;
  /** Definitions to register when this process opens the store itself. */
  readonly definitions?: Definitions;
  /** Create the store when it does not exist (`run`, `worker`, `dashboard`). @default false */
  readonly create?: boolean;
}

/** The API of the store's engine, with the engine when this process opened it. */
export interface StoreAccess {
  readonly api: AionApi;
  /** Set when this process opened the store (the `local` mode). */
  readonly engine?: Engine;
  readonly storeDir: string;
}

/**
 * Reaches the engine of a store. LevelDB lets one process open a store, so
 * this first tries to open it here; when another process holds it
 * (`STORE_LOCKED`), it talks to that process through the HTTP API it
 * serves, found through the server file in the store directory.
 *
 * An engine opened here recovers the store's runs: the runs of the given
 * definitions resume in this process until it closes; runs of other types
 * wait, untouched, for an engine that has their code.
 *
 * @throws CliError `NO_STORE` when the store is missing and not to be
 * created; AionError `STORE_LOCKED` when it is locked and not served.
 */
export async function openStore(io: CliIo, options: OpenStoreOptions): Promise<StoreAccess> {
  const storeDir = resolve(io.cwd, options.store);
  // LevelDB keeps a CURRENT file in every database directory: without it
  // this is not a store, and opening it would turn it into one.
  if (options.create !== true && !existsSync(join(storeDir, 'CURRENT'))) {
    throw new CliError('NO_STORE', `no store at ${storeDir}`);
  }
  try {
    const engine = await Engine.open({
      store: storeDir,
      workflows: options.definitions?.workflows ?? [],
      activities: options.definitions?.activities ?? [],
    });
    return { api: localApi(engine), engine, storeDir };
  } catch (error) {
    if (!(error instanceof AionError) || error.code !== ErrorCode.STORE_LOCKED) throw error;
    const api = await connectToServer(storeDir);
    if (api === undefined) throw error;
    return { api, storeDir };
  }
}

/**
 * Opens the store for a command that must host runs itself (`worker`):
 * a store held by another process is an error, with who holds it.
 */
export async function openStoreExclusively(
  io: CliIo,
  options: OpenStoreOptions,
): Promise<StoreAccess & { readonly engine: Engine }> {
  const access = await openStore(io, { ...options, create: true });
  if (access.engine !== undefined) return { ...access, engine: access.engine };
  const holder = await readServerFile(serverFilePath(access.storeDir));
  throw new CliError(
    ErrorCode.STORE_LOCKED,
    `the store at ${access.storeDir} is held by process ${holder?.pid ?? '?'} (${holder?.url ?? 'no server'})`,
    'stop that engine first, or use the other commands against it',
    ExitCode.UNAVAILABLE,
  );
}
