import { AionError, ErrorCode } from '../index.js';

/**
 * An error of the HTTP layer as a client sees it: auth (`UNAUTHORIZED`,
 * `FORBIDDEN`), routing (`NOT_FOUND`, `METHOD_NOT_ALLOWED`), framing
 * (`UNSUPPORTED_MEDIA_TYPE`), `INTERNAL`, or `SERVER_UNREACHABLE` when no
 * server answered (`status` 0). Engine errors come back as
 * {@link AionError} with their own code instead.
 */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    /** The HTTP status; 0 when no answer came. */
    readonly status: number,
    readonly code: string,
    message: string,
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

function isErrorCode(code: string): code is ErrorCode {
  return CODES.has(code);
}

/**
 * The error an API answer stands for: an {@link AionError} with the
 * engine's code, or an {@link ApiError}.
 */
export function errorFromAnswer(status: number, body: unknown): Error {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } })
    ?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${status}`;
  const message = typeof error?.message === 'string' ? error.message : `HTTP status ${status}`;
  if (isErrorCode(code)) {
    const details =
      typeof error?.details === 'object' && error.details !== null
        ? (error.details as Record<string, unknown>)
        : undefined;
    return new AionError(code, message, details === undefined ? {} : { details });
  }
  return new ApiError(status, code, message);
}
