import { join } from 'node:path';
import { InvalidArgumentError } from '../index.js';

/** The name of the server file in a store directory. */
export const SERVER_FILE_NAME = 'aion-server.json';

/** Options of `engine.serve()` and {@link startServer}. */
export interface ServeOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  readonly port?: number;
  /** Interface to bind. Anything but a loopback address exposes the API to the network. @default '127.0.0.1' */
  readonly host?: string;
  /**
   * Where to write the server file (address and token, mode 0600).
   * @default `<storeDir>/aion-server.json`; none when there is no store directory
   */
  readonly tokenFile?: string;
  /** The engine's store directory; `engine.serve()` passes it when the store is a path. */
  readonly storeDir?: string;
  /** Largest request body accepted, in bytes. @default 4 MiB */
  readonly maxBodyBytes?: number;
  /** Interval of the keep-alive comments on SSE streams, in ms. @default 15000 */
  readonly heartbeatMs?: number;
}

/** {@link ServeOptions} after validation and defaults. */
export interface ResolvedServeOptions {
  readonly port: number;
  readonly host: string;
  readonly tokenFile: string | undefined;
  readonly maxBodyBytes: number;
  readonly heartbeatMs: number;
}

function integer(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}`, {
      details: { value },
    });
  }
  return value;
}

function path(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(`${what} must be a non-empty path`);
  }
  return value;
}

/**
 * Validates serve options once and fills in the defaults.
 *
 * @throws InvalidArgumentError naming the first bad option.
 * @example
 * ```ts
 * resolveServeOptions({ storeDir: './.aion' }).tokenFile; // '.aion/aion-server.json'
 * ```
 */
export function resolveServeOptions(options: ServeOptions = {}): ResolvedServeOptions {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('serve options must be an object');
  }
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host.length === 0) {
    throw new InvalidArgumentError('host must be a non-empty string');
  }
  const storeDir = path(options.storeDir, 'storeDir');
  const tokenFile =
    path(options.tokenFile, 'tokenFile') ??
    (storeDir === undefined ? undefined : join(storeDir, SERVER_FILE_NAME));
  return {
    port: integer(options.port ?? 0, 'port', 0, 65_535),
    host,
    tokenFile,
    maxBodyBytes: integer(options.maxBodyBytes ?? 4 * 1024 * 1024, 'maxBodyBytes', 1_024, 2 ** 30),
    heartbeatMs: integer(options.heartbeatMs ?? 15_000, 'heartbeatMs', 10, 3_600_000),
  };
}
