import { AionError, ErrorCode, InvalidArgumentError } from '../core/index.js';

/**
 * A promise rejected with `error`. A command refused inside a query handler
 * fails the query anyway (see `RunExecution.assertNotInQuery`), so its
 * promise is marked handled: a handler that discards it must not raise an
 * unhandled rejection in the process.
 */
export function refuse<T>(error: unknown): Promise<T> {
  const rejected: Promise<T> = Promise.reject(error);
  if (error instanceof AionError && error.code === ErrorCode.QUERY_FAILED) {
    rejected.catch(() => undefined);
  }
  return rejected;
}

/**
 * Options are an object or absent: `null` or a number is a mistake, not "no options".
 *
 * @throws InvalidArgumentError for options that are neither.
 */
export function assertOptions(options: unknown, what: string): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`the options of ${what} must be an object`);
  }
}
