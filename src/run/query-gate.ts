import { AionError, ErrorCode } from '../core/index.js';

function queryCommandError(what: string): AionError {
  return new AionError(ErrorCode.QUERY_FAILED, `a query handler cannot call ctx.${what}`, {
    details: { command: what },
  });
}

/**
 * A run's query handlers, and the rule that a handler reads state but
 * issues no command: a query appends nothing to history.
 */
export class QueryGate {
  /** Handlers by query name (set by `ctx.setQueryHandler`). */
  readonly handlers = new Map<string, (...args: unknown[]) => unknown>();
  #inQuery = false;
  /** The first command a running query handler tried, if any. */
  #queryCommand: string | undefined;

  /**
   * Runs a query handler synchronously against the current state.
   *
   * @throws AionError QUERY_NOT_FOUND or QUERY_FAILED.
   */
  run(name: string, args: readonly unknown[]): unknown {
    const handler = this.handlers.get(name);
    if (handler === undefined) {
      throw new AionError(ErrorCode.QUERY_NOT_FOUND, `no query handler named '${name}'`, {
        details: { name, known: [...this.handlers.keys()] },
      });
    }
    this.#inQuery = true;
    this.#queryCommand = undefined;
    try {
      const answer = handler(...args);
      if (this.#queryCommand !== undefined) throw queryCommandError(this.#queryCommand);
      return answer;
    } catch (cause) {
      if (cause instanceof AionError && cause.code === ErrorCode.QUERY_FAILED) throw cause;
      throw new AionError(ErrorCode.QUERY_FAILED, `query '${name}' failed`, { cause });
    } finally {
      this.#inQuery = false;
    }
  }

  /**
   * Throws when the code issues a command from inside a query handler, and
   * remembers it: the query fails even if the handler swallowed the error
   * (or discarded the promise that carried it).
   */
  assertNotInQuery(what: string): void {
    if (this.#inQuery) {
      this.#queryCommand ??= what;
      throw queryCommandError(what);
    }
  }
}
