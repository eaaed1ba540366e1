import type { HistoryEvent } from '../index.js';
import type { AionApi } from '../server/index.js';
import type { CliIo } from './cli-io.js';
import { TimelineWriter } from './timeline.js';

const TERMINAL = new Set([
  'WorkflowCompleted',
  'WorkflowFailed',
  'WorkflowCancelled',
  'WorkflowTerminated',
  'WorkflowTimedOut',
  'WorkflowContinuedAsNew',
]);

/** Shows events as they commit: one rewritten line on a terminal, one line each otherwise. */
export interface Progress {
  event(event: HistoryEvent): void;
  done(): void;
}

/** A progress display on stderr; silent when `enabled` is false. */
export function createProgress(io: CliIo, enabled: boolean): Progress {
  if (!enabled) return { event: () => undefined, done: () => undefined };
  const writer = new TimelineWriter();
  const tty = io.stderr.isTTY === true;
  let shown = false;
  return {
    event(event) {
      const line = writer.line(event);
      if (!tty) {
        io.stderr.write(`${line}\n`);
        return;
      }
      const width = 100;
      io.stderr.write(`\r\x1b[2K${line.length > width ? `${line.slice(0, width - 1)}…` : line}`);
      shown = true;
    },
    done() {
      if (tty && shown) io.stderr.write('\r\x1b[2K');
    },
  };
}

/**
 * Follows a run until it ends, through continue-as-new to the last run of
 * the chain, reporting each committed event.
 *
 * @returns the terminal event of the last run, or `undefined` when
 * `signal` aborted first (the run goes on in the store).
 */
export function followRun(
  api: AionApi,
  workflowId: string,
  runId: string,
  onEvent: (event: HistoryEvent) => void,
  signal?: AbortSignal,
): Promise<HistoryEvent | undefined> {
  return new Promise<HistoryEvent | undefined>((resolve, reject) => {
    let subscription: { unsubscribe(): void } | undefined;
    const stop = (): void => {
      subscription?.unsubscribe();
      resolve(undefined);
    };
    if (signal?.aborted === true) return stop();
    signal?.addEventListener('abort', stop, { once: true });
    const follow = (run: string): void => {
      let terminal: HistoryEvent | undefined;
      subscription = api.runEvents$(workflowId, run).subscribe({
        next: (event) => {
          onEvent(event);
          if (TERMINAL.has(event.type)) terminal = event;
        },
        error: (error: unknown) => {
          signal?.removeEventListener('abort', stop);
          reject(error instanceof Error ? error : new Error(String(error)));
        },
        complete: () => {
          if (terminal?.type === 'WorkflowContinuedAsNew') {
            follow(terminal.nextRunId);
            return;
          }
          signal?.removeEventListener('abort', stop);
          resolve(terminal);
        },
      });
    };
    follow(runId);
  });
}
