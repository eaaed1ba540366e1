import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AionError, ErrorCode } from '../index.js';
import { SERVER_FILE_NAME } from './serve-options.js';

/**
 * What a serving engine writes into its store directory so that tools can
 * reach it while it holds the store's lock: its address and bearer token.
 */
export interface ServerFile {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The bearer token every request needs. */
  readonly token: string;
  /** The serving process. */
  readonly pid: number;
  /** Epoch ms when the server started. */
  readonly startedAt: number;
}

/**
 * The path of the server file of a store directory.
 *
 * @example
 * ```ts
 * serverFilePath('./.aion'); // '.aion/aion-server.json'
 * ```
 */
export function serverFilePath(storeDir: string): string {
  return join(storeDir, SERVER_FILE_NAME);
}

/**
 * Writes the server file readable and writable by its owner only (0600).
 * The file is written under a temporary name created with that mode and
 * renamed into place, so no reader ever sees it half written or, for an
 * instant, with wider permissions.
 */
export async function writeServerFile(path: string, info: ServerFile): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temporary, 'wx', 0o600);
  try {
    await handle.writeFile(`${JSON.stringify(info, null, 2)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Reads a server file.
 *
 * @returns its contents, or `undefined` when there is none.
 * @throws AionError `INVALID_ARGUMENT` when the file is not a server file.
 */
export async function readServerFile(path: string): Promise<ServerFile | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ENOENT') return undefined;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (!isServerFile(parsed)) {
    throw new AionError(ErrorCode.INVALID_ARGUMENT, `${path} is not an aion server file`, {
      details: { path },
    });
  }
  return parsed;
}

/**
 * Removes the server file if it still describes the server holding
 * `token` (another server may have replaced it since). Synchronous, so
 * that the file is gone when `engine.close()` resolves.
 */
export function removeServerFileSync(path: string, token: string): void {
  try {
    const current = JSON.parse(readFileSync(path, 'utf8')) as { token?: unknown };
    if (current.token === token) rmSync(path, { force: true });
  } catch {
    // Missing or unreadable: nothing of ours to remove.
  }
}

function isServerFile(value: unknown): value is ServerFile {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.url === 'string' &&
    typeof v.host === 'string' &&
    typeof v.port === 'number' &&
    typeof v.token === 'string' &&
    typeof v.pid === 'number' &&
    typeof v.startedAt === 'number'
  );
}
