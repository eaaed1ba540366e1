import type { IncomingMessage, ServerResponse } from 'node:http';
import { AionError, ErrorCode } from '../index.js';
import { errorJson, toJsonText } from './json-text.js';

/**
 * An error of the HTTP layer itself: auth, routing, body framing. Its
 * `code` is an {@link ErrorCode} where one fits (`INVALID_ARGUMENT`,
 * `PAYLOAD_TOO_LARGE`) and otherwise one of `UNAUTHORIZED`, `FORBIDDEN`,
 * `NOT_FOUND`, `METHOD_NOT_ALLOWED`, `UNSUPPORTED_MEDIA_TYPE`, `INTERNAL`.
 */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The HTTP status of each engine error code; anything else is a 500. */
const STATUS_OF_CODE: Readonly<Partial<Record<string, number>>> = {
  [ErrorCode.INVALID_ARGUMENT]: 400,
  [ErrorCode.PAYLOAD_NOT_SERIALIZABLE]: 400,
  [ErrorCode.UNKNOWN_WORKFLOW_TYPE]: 400,
  [ErrorCode.PAYLOAD_TOO_LARGE]: 413,
  [ErrorCode.WORKFLOW_NOT_FOUND]: 404,
  [ErrorCode.QUERY_NOT_FOUND]: 404,
  [ErrorCode.WORKFLOW_ALREADY_STARTED]: 409,
  [ErrorCode.WORKFLOW_NOT_RUNNING]: 409,
  [ErrorCode.NONDETERMINISM]: 409,
  [ErrorCode.QUERY_FAILED]: 422,
  [ErrorCode.TIMEOUT]: 504,
  [ErrorCode.ENGINE_CLOSED]: 503,
  [ErrorCode.STORE_LOCKED]: 503,
  [ErrorCode.STORE_WRITE_FAILED]: 503,
};

/** The HTTP status for an error code. */
export function statusOf(code: string): number {
  return STATUS_OF_CODE[code] ?? 500;
}

/** Writes a JSON response (payloads through {@link toJsonText}). */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = toJsonText(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

/**
 * Answers with `{ error: { code, message, details? } }` and the status of
 * the code. An error that is neither an {@link AionError} nor an
 * {@link HttpError} is a bug: its message is not sent (it may hold
 * internals), only `INTERNAL`.
 */
export function sendError(res: ServerResponse, error: unknown): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (error instanceof HttpError) {
    if (error.status === 413) res.setHeader('connection', 'close');
    sendJson(res, error.status, { error: { code: error.code, message: error.message } });
    return;
  }
  if (error instanceof AionError) {
    const { code, message, details } = errorJson(error);
    const body = { code: code ?? ErrorCode.INVALID_ARGUMENT, message, details };
    sendJson(res, statusOf(error.code), { error: body });
    return;
  }
  sendJson(res, 500, { error: { code: 'INTERNAL', message: 'internal server error' } });
}

/**
 * Reads a JSON request body of at most `maxBytes`. An empty body reads as
 * `undefined`. Nothing is parsed until the whole body is in, so a request
 * over the limit is refused without ever holding more than the limit.
 *
 * @throws HttpError 413 `PAYLOAD_TOO_LARGE`, 415 for a body that is not
 * `application/json`, 400 `INVALID_ARGUMENT` for text that is not JSON.
 */
export async function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const tooLarge = (): HttpError => {
    // Discard the rest so the client can read the answer; the connection closes after it.
    req.resume();
    return new HttpError(413, ErrorCode.PAYLOAD_TOO_LARGE, `request body over ${maxBytes} bytes`);
  };
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge();
  // Not `for await`: leaving that loop early destroys the socket, and the
  // client would see a reset instead of the 413.
  const chunks: Buffer[] = [];
  let size = 0;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      req.off('data', onData);
      reject(tooLarge());
    };
    req.on('data', onData);
    req.once('end', resolve);
    req.once('error', reject);
  });
  if (size === 0) return undefined;
  const type = req.headers['content-type'] ?? '';
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new HttpError(415, 'UNSUPPORTED_MEDIA_TYPE', 'the request body must be application/json');
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new HttpError(400, ErrorCode.INVALID_ARGUMENT, 'the request body is not valid JSON');
  }
}
