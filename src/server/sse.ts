import type { ServerResponse } from 'node:http';
import type { Observable } from 'rxjs';
import { errorJson, toJsonText } from './json-text.js';

/** One open Server-Sent Events response. */
export interface SseStream {
  /** Sends one event; `id` becomes the client's `Last-Event-ID` on reconnect. */
  send(event: string, data: unknown, id?: number | string): void;
  /** Ends the response. Idempotent. */
  end(): void;
  /** Runs `fn` once when the stream ends, from either side. */
  onClose(fn: () => void): void;
  readonly closed: boolean;
}

/** Opens SSE streams and closes them all when the server closes. */
export interface SseHub {
  open(res: ServerResponse): SseStream;
  closeAll(): void;
  /** How many streams are open. */
  readonly size: number;
}

/**
 * A client that reads slower than events arrive would make the server
 * buffer without bound; past this many unsent bytes the stream is ended
 * with an `overflow` event instead (a history stream resumes from
 * `Last-Event-ID`; a firehose client refetches).
 */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

/**
 * Creates the hub of the server's SSE streams. Each stream gets a comment
 * every `heartbeatMs`, so proxies keep it open and a vanished client is
 * noticed.
 *
 * @example
 * ```ts
 * const hub = createSseHub(15_000);
 * const stream = hub.open(res);
 * stream.send('outcome', notice);
 * ```
 */
export function createSseHub(heartbeatMs: number): SseHub {
  const open = new Set<SseStream>();
  return {
    get size() {
      return open.size;
    },
    open(res) {
      const stream = openStream(res, heartbeatMs);
      open.add(stream);
      stream.onClose(() => open.delete(stream));
      return stream;
    },
    closeAll() {
      for (const stream of [...open]) stream.end();
    },
  };
}

/** The stream of a HEAD request: already over, so whatever is piped to it unsubscribes at once. */
const ENDED_STREAM: SseStream = {
  closed: true,
  send: () => undefined,
  end: () => undefined,
  onClose: (fn) => fn(),
};

function openStream(res: ServerResponse, heartbeatMs: number): SseStream {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-content-type-options': 'nosniff',
  });
  // A HEAD request gets the head and no stream: Node sends no body for it,
  // so its head would wait for an end that never comes, and the stream
  // would hold its subscription until the client gave up.
  if (res.req.method === 'HEAD') {
    res.end();
    return ENDED_STREAM;
  }
  res.write('retry: 2000\n\n');
  const closers: (() => void)[] = [];
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    for (const fn of closers.splice(0)) fn();
    res.end();
  };
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), heartbeatMs);
  heartbeat.unref();
  // The response's `close` means the connection ended (client gone) or the
  // response finished; the request's own `close` is not about the client.
  res.once('close', close);
  const stream: SseStream = {
    get closed() {
      return closed;
    },
    send(event, data, id) {
      if (closed) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.write('event: overflow\ndata: {}\n\n');
        close();
        return;
      }
      // JSON text never holds a raw newline, so one `data:` line suffices.
      const idLine = id === undefined ? '' : `id: ${id}\n`;
      res.write(`${idLine}event: ${event}\ndata: ${toJsonText(data)}\n\n`);
    },
    end: close,
    onClose(fn) {
      if (closed) fn();
      else closers.push(fn);
    },
  };
  return stream;
}

/**
 * Forwards an observable to a stream until either ends: each value as an
 * `event` (with the id `idOf` gives it), completion as `end`, an error as
 * `error` (its code and message). The subscription ends with the stream.
 */
export function pipeToStream<T>(
  source: Observable<T>,
  stream: SseStream,
  event: string,
  idOf?: (value: T) => number | string,
): void {
  const subscription = source.subscribe({
    next: (value) => stream.send(event, value, idOf?.(value)),
    complete: () => {
      stream.send('end', {});
      stream.end();
    },
    error: (error: unknown) => {
      stream.send('error', errorJson(error));
      stream.end();
    },
  });
  stream.onClose(() => subscription.unsubscribe());
}
