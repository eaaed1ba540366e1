import { filter } from 'rxjs';
import type { HistoryEvent, SupervisionEvent } from '../index.js';
import { errorJson } from './json-text.js';
import { intParam, param } from './request-fields.js';
import type { RequestContext, Route } from './router.js';
import { pipeToStream } from './sse.js';

/** A supervision event as JSON: its `error` (any thrown value) as name, message and code. */
function supervisionJson(event: SupervisionEvent): Record<string, unknown> {
  const json: Record<string, unknown> = { ...event };
  if ('error' in event && event.error !== undefined) json.error = errorJson(event.error);
  return json;
}

/**
 * The seq a history stream resumes after: the `Last-Event-ID` header an
 * `EventSource` sends when it reconnects, or `?lastEventId=` for clients
 * that connect for the first time from a known point.
 */
function resumeAfter(ctx: RequestContext): number {
  const header = ctx.req.headers['last-event-id'];
  if (typeof header === 'string' && /^\d{1,10}$/.test(header)) return Number(header);
  return intParam(ctx.url, 'lastEventId', 0, 2 ** 31) ?? 0;
}

/**
 * One run's history as SSE: the recorded events after the resume point,
 * then live events, each with its seq as the event id, then `end` after
 * the terminal event. A client already past the end of an ended run gets
 * 204, which tells an `EventSource` to stop reconnecting.
 */
async function runEvents(ctx: RequestContext): Promise<void> {
  const after = resumeAfter(ctx);
  const workflowId = ctx.params.workflowId as string;
  const runId = param(ctx.url, 'runId');
  // Look the run up before the stream opens, so an unknown id is a 404.
  const description = await ctx.engine.describe(workflowId, runId);
  if (description.status !== 'running' && after >= description.historyLength) {
    ctx.res.writeHead(204).end();
    return;
  }
  const handle = await ctx.engine.getHandle(workflowId, description.runId);
  const stream = ctx.sse.open(ctx.res);
  pipeToStream(
    handle.events$.pipe(filter((event) => event.seq > after)),
    stream,
    'history',
    (event: HistoryEvent) => event.seq,
  );
}

function firehose(ctx: RequestContext): Promise<void> {
  pipeToStream(ctx.engine.events$, ctx.sse.open(ctx.res), 'history');
  return Promise.resolve();
}

function outcomes(ctx: RequestContext): Promise<void> {
  pipeToStream(ctx.engine.outcomes$, ctx.sse.open(ctx.res), 'outcome');
  return Promise.resolve();
}

function supervision(ctx: RequestContext): Promise<void> {
  const stream = ctx.sse.open(ctx.res);
  const subscription = ctx.engine.supervision$.subscribe({
    next: (event) => stream.send('supervision', supervisionJson(event)),
    complete: () => {
      stream.send('end', {});
      stream.end();
    },
  });
  stream.onClose(() => subscription.unsubscribe());
  return Promise.resolve();
}

/** The SSE endpoints: the engine's three streams and one run's history. */
export const streamRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/events', handle: firehose },
  { method: 'GET', path: '/api/outcomes', handle: outcomes },
  { method: 'GET', path: '/api/supervision', handle: supervision },
  { method: 'GET', path: '/api/runs/:workflowId/events', handle: runEvents },
];
