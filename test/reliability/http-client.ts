import { request } from 'node:http';
import { Engine } from '../../src/index.js';
import type { EngineOptions } from '../../src/index.js';
import { startServer } from '../../src/server/index.js';
import type { AionServer, ServeOptions } from '../../src/server/index.js';
import { MemoryStore } from '../../src/testing/index.js';

/** One raw HTTP exchange: anything may be sent, whatever a browser or fetch would refuse. */
export interface RawRequest {
  readonly method?: string;
  /** Path and query string, sent as is (no normalisation). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  /** Sent with a content-length, or in chunks when `chunked`. */
  readonly body?: string | Buffer;
  readonly chunked?: boolean;
  /** Stop reading after the head (for streams); @default false */
  readonly headOnly?: boolean;
}

/** What came back; `status` 0 when the connection failed or was reset. */
export interface RawResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
  /** The body parsed as JSON, or `undefined`. */
  readonly json: any;
}

/** Sends one request over a fresh connection. */
export function rawRequest(server: AionServer, req: RawRequest): Promise<RawResponse> {
  return new Promise((resolve) => {
    const headers: Record<string, string> = { ...req.headers };
    const out = request(
      {
        host: server.host,
        port: server.port,
        method: req.method ?? 'GET',
        path: req.path,
        headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        const done = (): void => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: unknown;
          try {
            json = text === '' ? undefined : JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        };
        if (req.headOnly === true) {
          res.destroy();
          done();
          return;
        }
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', done);
        res.on('error', done);
      },
    );
    out.on('error', () => resolve({ status: 0, headers: {}, text: '', json: undefined }));
    if (req.body !== undefined && req.chunked === true) {
      const body = Buffer.from(req.body);
      for (let at = 0; at < body.length; at += 64 * 1024)
        out.write(body.subarray(at, at + 64 * 1024));
      out.end();
    } else {
      out.end(req.body);
    }
  });
}

/** The bearer header of a server. */
export function bearer(server: AionServer): Record<string, string> {
  return { authorization: `Bearer ${server.token}` };
}

/** An engine on a MemoryStore and its HTTP server. */
export interface ServedMemory {
  readonly store: MemoryStore;
  readonly engine: Engine;
  readonly server: AionServer;
  close(): Promise<void>;
}

/** Opens an engine on a fresh MemoryStore and serves it on an ephemeral loopback port. */
export async function serveMemory(
  options: Omit<EngineOptions, 'store'>,
  serve: ServeOptions = {},
): Promise<ServedMemory> {
  const store = new MemoryStore();
  const engine = await Engine.open({ ...options, store });
  const server = await startServer(engine, serve);
  return {
    store,
    engine,
    server,
    async close() {
      await engine.close();
      await store.close();
    },
  };
}
