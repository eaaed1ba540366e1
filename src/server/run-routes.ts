import { InvalidArgumentError } from '../index.js';
import type { Engine, WorkflowStatus } from '../index.js';
import { sendJson } from './http-io.js';
import {
  WORKFLOW_STATUSES,
  booleanField,
  durationField,
  field,
  intParam,
  param,
  statusParam,
  stringField,
} from './request-fields.js';
import type { BodyFields } from './request-fields.js';
import type { RequestContext, Route } from './router.js';
import { residentRunIds, workflowTypesOf } from './tree-facts.js';

/** Past this many runs of a status, `/api/counts` stops counting and says so. */
const COUNT_CAP = 10_000;
const MAX_TIME = 8.64e15;

/** `runId` from the query string or the body: the run to act on (the latest when absent). */
function runIdOf(ctx: RequestContext, body?: BodyFields): string | undefined {
  return (body === undefined ? undefined : stringField(body, 'runId')) ?? param(ctx.url, 'runId');
}

async function list(ctx: RequestContext): Promise<void> {
  const { url, engine } = ctx;
  const status = statusParam(url);
  const workflowType = param(url, 'type') ?? param(url, 'workflowType');
  const startedAfter = intParam(url, 'startedAfter', 0, MAX_TIME);
  const startedBefore = intParam(url, 'startedBefore', 0, MAX_TIME);
  const limit = intParam(url, 'limit', 1, 1_000);
  const cursor = param(url, 'cursor');
  const page = await engine.list({
    ...(status === undefined ? {} : { status }),
    ...(workflowType === undefined ? {} : { workflowType }),
    ...(startedAfter === undefined ? {} : { startedAfter }),
    ...(startedBefore === undefined ? {} : { startedBefore }),
    ...(limit === undefined ? {} : { limit }),
    ...(cursor === undefined ? {} : { cursor }),
  });
  const resident = residentRunIds(engine.tree());
  const items = page.items.map((run) => ({
    ...run,
    residency: resident.has(run.runId) ? 'resident' : 'suspended',
  }));
  sendJson(ctx.res, 200, { items, ...(page.next === undefined ? {} : { next: page.next }) });
}

async function start(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const workflowType = stringField(body, 'workflowType', true);
  const workflowId = stringField(body, 'workflowId');
  const executionTimeout = durationField(body, 'executionTimeout');
  const idempotent = booleanField(body, 'idempotent');
  const handle = await ctx.engine.start(workflowType, field(body, 'input'), {
    ...(workflowId === undefined ? {} : { workflowId }),
    ...(executionTimeout === undefined ? {} : { executionTimeout }),
    ...(idempotent === undefined ? {} : { idempotent }),
  });
  sendJson(ctx.res, 201, { workflowId: handle.workflowId, runId: handle.runId });
}

async function signalWithStart(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const workflowType = stringField(body, 'workflowType', true);
  const name = stringField(body, 'name', true);
  const handle = await ctx.engine.signalWithStart(
    workflowType,
    field(body, 'input'),
    name,
    field(body, 'payload'),
    { workflowId: ctx.params.workflowId as string },
  );
  sendJson(ctx.res, 200, { workflowId: handle.workflowId, runId: handle.runId });
}

async function describe(ctx: RequestContext): Promise<void> {
  const { engine, params } = ctx;
  sendJson(ctx.res, 200, await engine.describe(params.workflowId as string, runIdOf(ctx)));
}

async function history(ctx: RequestContext): Promise<void> {
  const events = await ctx.engine.history(ctx.params.workflowId as string, runIdOf(ctx));
  sendJson(ctx.res, 200, { events });
}

/** The handle of the run a command names; it is looked up first so that a bad id changes nothing. */
async function target(ctx: RequestContext, body: BodyFields) {
  return ctx.engine.getHandle(ctx.params.workflowId as string, runIdOf(ctx, body));
}

async function signal(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const name = stringField(body, 'name', true);
  await (await target(ctx, body)).signal(name, field(body, 'payload'));
  sendJson(ctx.res, 200, { ok: true });
}

async function query(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const name = stringField(body, 'name', true);
  const args = field(body, 'args') ?? [];
  if (!Array.isArray(args)) throw new InvalidArgumentError("'args' must be an array");
  const result = await (await target(ctx, body)).query(name, ...(args as unknown[]));
  sendJson(ctx.res, 200, { result });
}

async function cancel(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const reason = stringField(body, 'reason');
  await (await target(ctx, body)).cancel(reason);
  sendJson(ctx.res, 200, { ok: true });
}

async function terminate(ctx: RequestContext): Promise<void> {
  const body = await ctx.body();
  const reason = stringField(body, 'reason');
  await (await target(ctx, body)).terminate(reason);
  sendJson(ctx.res, 200, { ok: true });
}

/** How many runs have each status, each count capped at {@link COUNT_CAP}. */
async function countRuns(engine: Engine): Promise<Record<WorkflowStatus, number>> {
  const counts = {} as Record<WorkflowStatus, number>;
  for (const status of WORKFLOW_STATUSES) {
    let n = 0;
    let cursor: string | undefined;
    do {
      const page = await engine.list({ status, limit: 1_000, ...(cursor ? { cursor } : {}) });
      n += page.items.length;
      cursor = page.next;
    } while (cursor !== undefined && n < COUNT_CAP);
    counts[status] = Math.min(n, COUNT_CAP);
  }
  return counts;
}

async function counts(ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, { counts: await countRuns(ctx.engine), cap: COUNT_CAP });
}

function tree(ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, ctx.engine.tree());
  return Promise.resolve();
}

function info(ctx: RequestContext): Promise<void> {
  sendJson(ctx.res, 200, {
    pid: process.pid,
    workflowTypes: workflowTypesOf(ctx.engine.tree()),
    streams: ctx.sse.size,
  });
  return Promise.resolve();
}

/** The JSON endpoints of runs, the tree and the server (docs/operations.md lists them). */
export const runRoutes: readonly Route[] = [
  { method: 'GET', path: '/api/info', handle: info },
  { method: 'GET', path: '/api/tree', handle: tree },
  { method: 'GET', path: '/api/counts', handle: counts },
  { method: 'GET', path: '/api/runs', handle: list },
  { method: 'POST', path: '/api/runs', handle: start },
  { method: 'GET', path: '/api/runs/:workflowId', handle: describe },
  { method: 'GET', path: '/api/runs/:workflowId/history', handle: history },
  { method: 'POST', path: '/api/runs/:workflowId/signal', handle: signal },
  { method: 'POST', path: '/api/runs/:workflowId/signal-with-start', handle: signalWithStart },
  { method: 'POST', path: '/api/runs/:workflowId/query', handle: query },
  { method: 'POST', path: '/api/runs/:workflowId/cancel', handle: cancel },
  { method: 'POST', path: '/api/runs/:workflowId/terminate', handle: terminate },
];
