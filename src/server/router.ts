import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Engine } from '../index.js';
import { HttpError } from './http-io.js';
import type { BodyFields } from './request-fields.js';
import type { ResolvedServeOptions } from './serve-options.js';
import type { SseHub } from './sse.js';

/** What a route handler gets for one request. */
export interface RequestContext {
  readonly engine: Engine;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  /** Path parameters, percent-decoded. */
  readonly params: Readonly<Record<string, string>>;
  readonly options: ResolvedServeOptions;
  /** Reads and validates the JSON body (an object; empty is `{}`). */
  readonly body: () => Promise<BodyFields>;
  /** Opens SSE streams that the server closes when it closes. */
  readonly sse: SseHub;
}

/** One endpoint: a method and a path pattern such as `/api/runs/:workflowId`. */
export interface Route {
  readonly method: 'GET' | 'POST';
  readonly path: string;
  readonly handle: (ctx: RequestContext) => Promise<void>;
}

/** A route found for a request, with its path parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: Readonly<Record<string, string>>;
}

function segments(pathname: string): string[] {
  try {
    return pathname.split('/').slice(1).map(decodeURIComponent);
  } catch {
    throw new HttpError(400, 'INVALID_ARGUMENT', 'the path is not valid percent-encoding');
  }
}

/**
 * Matches a request against a route table. Path segments are split before
 * they are decoded, so a workflow id holding `/` (sent as `%2F`) stays one
 * parameter.
 *
 * @returns the match; `undefined` when no route has the path.
 * @throws HttpError 405 when routes have the path but not the method.
 * @example
 * ```ts
 * const find = createRouter([{ method: 'GET', path: '/api/runs/:workflowId', handle }]);
 * find('GET', '/api/runs/order%2F1')?.params; // { workflowId: 'order/1' }
 * ```
 */
export function createRouter(
  routes: readonly Route[],
): (method: string, pathname: string) => RouteMatch | undefined {
  const table = routes.map((route) => ({ route, parts: route.path.split('/').slice(1) }));
  return (method, pathname) => {
    const actual = segments(pathname);
    let pathMatched = false;
    for (const { route, parts } of table) {
      if (parts.length !== actual.length) continue;
      const params: Record<string, string> = {};
      const same = parts.every((part, i) => {
        const value = actual[i] as string;
        if (part.startsWith(':')) {
          // An empty id (`/api/runs//signal`) is a bad id, for the engine to
          // refuse with INVALID_ARGUMENT, not an unknown endpoint.
          params[part.slice(1)] = value;
          return true;
        }
        return part === value;
      });
      if (!same) continue;
      pathMatched = true;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        return { route, params };
      }
    }
    if (pathMatched)
      throw new HttpError(405, 'METHOD_NOT_ALLOWED', `${method} is not allowed here`);
    return undefined;
  };
}
