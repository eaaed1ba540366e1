import type { Observable } from 'rxjs';
import type {
  Duration,
  HistoryEvent,
  ListFilter,
  Residency,
  RunRef,
  TreeNode,
  WorkflowDescription,
  WorkflowSummary,
} from '../index.js';
import { ApiError, errorFromAnswer } from './api-errors.js';
import { readServerFile, serverFilePath } from './server-file.js';
import { followRunStream } from './run-stream-client.js';
import type { RunStreamTransport } from './run-stream-client.js';

/** A run filter: `engine.list()`'s. */
export type RunFilter = ListFilter;

/** What starts a run through the API. */
export interface StartRequest {
  readonly workflowType: string;
  readonly input?: unknown;
  readonly workflowId?: string;
  readonly executionTimeout?: Duration;
  readonly idempotent?: boolean;
}

/** A row of the run list, with the run's residency. */
export type RunRow = WorkflowSummary & { readonly residency: Residency };

/**
 * The operations tools need of an engine, whether it runs in this process
 * or in another one reached over HTTP. `aion` programs against this.
 */
export interface AionApi {
  /** `'local'`: an engine opened in this process; `'remote'`: the HTTP API of a running one. */
  readonly mode: 'local' | 'remote';
  list(filter?: RunFilter): Promise<{ items: RunRow[]; next?: string }>;
  start(request: StartRequest): Promise<RunRef>;
  describe(workflowId: string, runId?: string): Promise<WorkflowDescription>;
  history(workflowId: string, runId?: string): Promise<HistoryEvent[]>;
  signal(workflowId: string, name: string, payload?: unknown, runId?: string): Promise<void>;
  query(workflowId: string, name: string, args?: unknown[], runId?: string): Promise<unknown>;
  cancel(workflowId: string, reason?: string, runId?: string): Promise<void>;
  terminate(workflowId: string, reason?: string, runId?: string): Promise<void>;
  tree(): Promise<TreeNode>;
  /** The run's history, then its live events; completes after the terminal event. */
  runEvents$(workflowId: string, runId?: string): Observable<HistoryEvent>;
  /** Releases what the API holds (the local engine; nothing for HTTP). */
  close(): Promise<void>;
}

/** Options of {@link createApiClient}. */
export interface ApiClientOptions {
  /** The server's base URL, such as `http://127.0.0.1:7070`. */
  readonly url: string;
  readonly token: string;
  /** How often a dropped run stream reconnects before giving up. @default 5 */
  readonly reconnects?: number;
}

const enc = encodeURIComponent;

/**
 * A client of a running engine's HTTP API. Engine errors are rethrown as
 * `AionError`s with their codes; HTTP-level ones as {@link ApiError}.
 * Run streams resume after a dropped connection from the last seq they
 * delivered (`Last-Event-ID`), so no event is lost or repeated.
 *
 * @example
 * ```ts
 * const api = createApiClient({ url: 'http://127.0.0.1:7070', token });
 * const { items } = await api.list({ status: 'running' });
 * ```
 */
export function createApiClient(options: ApiClientOptions): AionApi {
  const base = options.url.replace(/\/+$/, '');
  const auth = { authorization: `Bearer ${options.token}` };

  const send = async (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
    signal?: AbortSignal,
  ): Promise<Response> => {
    const body = init.body === undefined ? undefined : JSON.stringify(init.body);
    try {
      return await fetch(`${base}${path}`, {
        method: init.method ?? 'GET',
        headers: {
          ...auth,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...init.headers,
        },
        ...(body === undefined ? {} : { body }),
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      if (signal?.aborted === true) throw error;
      const cause = (error as { cause?: { code?: unknown } }).cause;
      const why = typeof cause?.code === 'string' ? cause.code : (error as Error).message;
      throw new ApiError(0, 'SERVER_UNREACHABLE', `no answer from ${base}: ${why}`, {
        cause: error,
      });
    }
  };
  const call = async <T>(path: string, method = 'GET', body?: unknown): Promise<T> => {
    const res = await send(path, { method, body });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = text.length === 0 ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!res.ok) throw errorFromAnswer(res.status, parsed);
    return parsed as T;
  };
  const runQuery = (runId?: string): string => (runId === undefined ? '' : `?runId=${enc(runId)}`);
  const runPath = (workflowId: string, rest = ''): string => `/api/runs/${enc(workflowId)}${rest}`;

  const transport: RunStreamTransport = {
    get: (path, headers, signal) => send(path, { headers }, signal),
    reconnects: options.reconnects ?? 5,
  };

  return {
    mode: 'remote',
    list: (filter = {}) => {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) {
        if (value !== undefined) query.set(key === 'workflowType' ? 'type' : key, String(value));
      }
      return call(`/api/runs?${query.toString()}`);
    },
    start: (request) => call<RunRef>('/api/runs', 'POST', request),
    describe: (workflowId, runId) => call(`${runPath(workflowId)}${runQuery(runId)}`),
    history: async (workflowId, runId) =>
      (
        await call<{ events: HistoryEvent[] }>(
          `${runPath(workflowId, '/history')}${runQuery(runId)}`,
        )
      ).events,
    signal: async (workflowId, name, payload, runId) => {
      await call(runPath(workflowId, '/signal'), 'POST', { name, payload, runId });
    },
    query: async (workflowId, name, args = [], runId) =>
      (
        await call<{ result: unknown }>(runPath(workflowId, '/query'), 'POST', {
          name,
          args,
          runId,
        })
      ).result,
    cancel: async (workflowId, reason, runId) => {
      await call(runPath(workflowId, '/cancel'), 'POST', { reason, runId });
    },
    terminate: async (workflowId, reason, runId) => {
      await call(runPath(workflowId, '/terminate'), 'POST', { reason, runId });
    },
    tree: () => call('/api/tree'),
    runEvents$: (workflowId, runId) =>
      followRunStream(transport, runPath(workflowId, '/events'), runId),
    close: () => Promise.resolve(),
  };
}

/**
 * A client of the engine serving the store at `storeDir`, found through
 * the server file it wrote there.
 *
 * @returns the client, or `undefined` when the store has no server file.
 */
export async function connectToServer(storeDir: string): Promise<AionApi | undefined> {
  const info = await readServerFile(serverFilePath(storeDir));
  return info === undefined ? undefined : createApiClient({ url: info.url, token: info.token });
}
