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
  /** Stop reading after the head; SSE streams always stop there. @default false */
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
        // A stream never ends on its own: its head is the answer.
        const stream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (req.headOnly === true || stream) {
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
    // A server that never answers is a failure to report, not a test that hangs.
    out.setTimeout(10_000, () => {
      out.destroy();
      resolve({ status: 0, headers: {}, text: 'no answer within 10 s', json: undefined });
    });
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

/**
 * Every endpoint of the API (docs/operations.md) with a body that would be
 * valid against the catalog engine (runs `waiting`, `done`).
 */
export const API_ROUTES: ReadonlyArray<readonly [string, string, unknown?]> = [
  ['GET', '/api/info'],
  ['GET', '/api/tree'],
  ['GET', '/api/counts'],
  ['GET', '/api/runs'],
  ['POST', '/api/runs', { workflowType: 'quick', workflowId: 'fresh' }],
  ['GET', '/api/runs/waiting'],
  ['GET', '/api/runs/waiting/history'],
  ['POST', '/api/runs/waiting/signal', { name: 'go', payload: 1 }],
  ['POST', '/api/runs/fresh/signal-with-start', { workflowType: 'waiter', name: 'go' }],
  ['POST', '/api/runs/waiting/query', { name: 'state' }],
  ['POST', '/api/runs/waiting/cancel', {}],
  ['POST', '/api/runs/waiting/terminate', {}],
  ['GET', '/api/events'],
  ['GET', '/api/outcomes'],
  ['GET', '/api/supervision'],
  ['GET', '/api/runs/waiting/events'],
];
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
