import { Observable } from 'rxjs';
import type { HistoryEvent } from '../index.js';
import { ApiError, errorFromAnswer } from './api-errors.js';
import { readSse } from './sse-reader.js';

/** What {@link followRunStream} needs of the API client. */
export interface RunStreamTransport {
  /** GETs a path of the server with the client's credentials. */
  readonly get: (
    path: string,
    headers: Record<string, string>,
    signal: AbortSignal,
  ) => Promise<Response>;
  /** How often a dropped stream reconnects in a row before giving up. */
  readonly reconnects: number;
}

/** An error the server reported inside the stream: final, not a reason to reconnect. */
class ReportedError extends Error {
  constructor(readonly reported: Error) {
    super(reported.message);
  }
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Reads one connection of a run stream.
 *
 * @returns `'ended'` after the server's `end`, `'dropped'` when the
 * connection broke first (the caller resumes).
 */
async function readConnection(
  body: AsyncIterable<Uint8Array>,
  onEvent: (event: HistoryEvent) => void,
): Promise<'ended' | 'dropped'> {
  try {
    for await (const message of readSse(body)) {
      if (message.event === 'end') return 'ended';
      if (message.event === 'error') {
        const reported = JSON.parse(message.data) as unknown;
        throw new ReportedError(errorFromAnswer(500, { error: reported }));
      }
      if (message.event === 'history') onEvent(JSON.parse(message.data) as HistoryEvent);
    }
    return 'dropped';
  } catch (error) {
    if (error instanceof ReportedError) throw error.reported;
    return 'dropped';
  }
}

/**
 * A run's history then live events, over SSE. A connection that drops is
 * resumed with `Last-Event-ID` set to the last seq delivered, pinned to
 * the run of the first event, so the observable sees every event once, in
 * order, and completes after the terminal event.
 *
 * @example
 * ```ts
 * followRunStream(transport, '/api/runs/order-1/events', undefined).subscribe(console.log);
 * ```
 */
export function followRunStream(
  transport: RunStreamTransport,
  eventsPath: string,
  runId: string | undefined,
): Observable<HistoryEvent> {
  return new Observable<HistoryEvent>((subscriber) => {
    const controller = new AbortController();
    let pinned = runId;
    let last = 0;
    const deliver = (event: HistoryEvent): void => {
      pinned = event.runId;
      last = event.seq;
      failures = 0;
      subscriber.next(event);
    };
    let failures = 0;
    const retry = async (error: unknown): Promise<void> => {
      if (controller.signal.aborted || ++failures > transport.reconnects) throw error;
      await pause(100 * failures);
    };
    const follow = async (): Promise<void> => {
      for (;;) {
        const query = pinned === undefined ? '' : `?runId=${encodeURIComponent(pinned)}`;
        let res: Response;
        try {
          res = await transport.get(
            `${eventsPath}${query}`,
            { 'last-event-id': String(last) },
            controller.signal,
          );
        } catch (error) {
          await retry(error);
          continue;
        }
        if (res.status === 204) return;
        if (!res.ok || res.body === null) {
          throw errorFromAnswer(res.status, await res.json().catch(() => undefined));
        }
        if ((await readConnection(res.body, deliver)) === 'ended') return;
        await retry(new ApiError(0, 'SERVER_UNREACHABLE', `the stream ${eventsPath} dropped`));
      }
    };
    follow().then(
      () => subscriber.complete(),
      (error: unknown) => {
        if (!controller.signal.aborted) subscriber.error(error);
      },
    );
    return () => controller.abort();
  });
}
