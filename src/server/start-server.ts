import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Subscription } from 'rxjs';
import { EngineClosedError } from '../index.js';
import type { Engine } from '../index.js';
import { authPolicy, authenticate, newToken } from './auth.js';
import type { AuthPolicy } from './auth.js';
import { serveDashboard } from './dashboard-route.js';
import { HttpError, readJsonBody, sendError } from './http-io.js';
import { bodyObject } from './request-fields.js';
import { createRouter } from './router.js';
import type { RequestContext } from './router.js';
import { runRoutes } from './run-routes.js';
import { resolveServeOptions } from './serve-options.js';
import type { ResolvedServeOptions, ServeOptions } from './serve-options.js';
import { removeServerFileSync, writeServerFile } from './server-file.js';
import { createSseHub } from './sse.js';
import type { SseHub } from './sse.js';
import { streamRoutes } from './stream-routes.js';

/** A running HTTP server of an engine. */
export interface AionServer {
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** The bearer token every request needs. */
  readonly token: string;
  /** The dashboard link: `url` with the token, which the page trades for a cookie. */
  readonly dashboardUrl: string;
  /** Where the address and token were written (mode 0600), if anywhere. */
  readonly tokenFile: string | undefined;
  /** Ends every stream, stops listening and removes the token file. Idempotent. */
  close(): Promise<void>;
}

const find = createRouter([...runRoutes, ...streamRoutes]);

/**
 * The URL of a request, read as a path on this server whatever it looks
 * like: `new URL('//x', base)` would take `x` for a host name (and throw for
 * `//`), so the target is appended to the origin instead of resolved.
 *
 * @throws HttpError 400 when it still does not parse.
 */
function requestUrl(target: string | undefined): URL {
  const path = target ?? '/';
  try {
    return new URL(`http://localhost${path.startsWith('/') ? '' : '/'}${path}`);
  } catch {
    throw new HttpError(400, 'INVALID_ARGUMENT', 'the request target is not a path');
  }
}

/** Routes one request; every failure becomes a JSON error answer. */
async function handle(
  engine: Engine,
  options: ResolvedServeOptions,
  policy: AuthPolicy,
  hub: SseHub,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  try {
    const url = requestUrl(req.url);
    if (url.pathname === '/') {
      serveDashboard(req, res, url, policy);
      return;
    }
    // Every request needs the token (header or dashboard cookie), the
    // favicon a browser asks for on its own included.
    authenticate(req, policy);
    if (url.pathname === '/favicon.ico') {
      res.writeHead(204).end();
      return;
    }
    const match = find(req.method ?? 'GET', url.pathname);
    if (match === undefined) throw new HttpError(404, 'NOT_FOUND', `no endpoint ${url.pathname}`);
    const ctx: RequestContext = {
      engine,
      req,
      res,
      url,
      params: match.params,
      options,
      body: async () => bodyObject(await readJsonBody(req, options.maxBodyBytes)),
      sse: hub,
    };
    await match.route.handle(ctx);
  } catch (error) {
    sendError(res, error);
  }
}

function listen(server: ReturnType<typeof createServer>, port: number, host: string) {
  return new Promise<AddressInfo>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/**
 * Starts the local HTTP API, SSE streams and dashboard of an engine; what
 * `engine.serve()` calls. Built on `node:http`: a dozen JSON routes and
 * three streams need no framework, SSE is plain chunked writes, and the
 * package gains no dependency with its own security surface.
 *
 * The token is new for every start. It is written with the address to the
 * token file (mode 0600), and the server closes, removing the file, when
 * the engine closes.
 *
 * @param engine the engine to serve; only its public API is used.
 * @param options port, host, token file, limits.
 * @returns the running server.
 * @throws InvalidArgumentError for bad options; the listen error (such as
 * `EADDRINUSE`) when the port is taken.
 * @example
 * ```ts
 * const server = await startServer(engine, { port: 0 });
 * await fetch(`${server.url}/api/runs`, { headers: { authorization: `Bearer ${server.token}` } });
 * ```
 */
export async function startServer(engine: Engine, options: ServeOptions = {}): Promise<AionServer> {
  const resolved = resolveServeOptions(options);
  const token = newToken();
  const hub = createSseHub(resolved.heartbeatMs);
  const server = createServer();
  const address = await listen(server, resolved.port, resolved.host);
  // No request is read before this synchronous continuation of `listen`.
  const policy = authPolicy(token, resolved.host, address.port);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    void handle(engine, resolved, policy, hub, req, res);
  });
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${urlHost}:${address.port}`;
  const { tokenFile } = resolved;

  let closing: Promise<void> | undefined;
  const engineWatch = new Subscription();
  const close = (): Promise<void> => {
    // Everything but the wait is synchronous: when the engine's close
    // resolves, the server no longer listens and its token file is gone.
    closing ??= (() => {
      engineWatch.unsubscribe();
      hub.closeAll();
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      if (tokenFile !== undefined) removeServerFileSync(tokenFile, token);
      return stopped;
    })();
    return closing;
  };
  // The engine's streams complete when it closes: the server goes with it.
  engineWatch.add(engine.outcomes$.subscribe({ complete: () => void close() }));
  if (closing !== undefined) {
    await closing;
    throw new EngineClosedError();
  }

  if (tokenFile !== undefined) {
    const info = { url, host: resolved.host, port: address.port, token, pid: process.pid };
    try {
      await writeServerFile(tokenFile, { ...info, startedAt: Date.now() });
    } catch (error) {
      await close();
      throw error;
    }
  }
  return {
    url,
    host: resolved.host,
    port: address.port,
    token,
    dashboardUrl: `${url}/?token=${token}`,
    tokenFile,
    close,
  };
}
