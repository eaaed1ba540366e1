import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, rawRequest, serveMemory } from '../http-client.js';
import type { RawRequest, RawResponse, ServedMemory } from '../http-client.js';
import {
  MAX_PAYLOAD_BYTES,
  catalogWorkflows,
  echo,
  quick,
  waiter,
} from '../bad-input-catalog/engine-fixtures.js';
import { fuzzRuns } from './fuzz-runs.js';

/**
 * Property-based fuzzing of the HTTP API on a real server (an engine on a
 * MemoryStore, ephemeral loopback port): random methods, paths, query
 * strings, headers and bodies, with and without the token. The server must
 * answer every request, never with a 5xx other than the documented 503,
 * always with a JSON error body when it refuses, never with a CORS header;
 * no rejection may go unhandled, no prototype may be polluted, and the
 * engine must serve on afterwards.
 */

let served: ServedMemory;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
const PROTOTYPE_NAMES = Object.getOwnPropertyNames(Object.prototype).sort();

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
  served = await serveMemory(
    { workflows: catalogWorkflows, activities: [echo], maxPayloadBytes: MAX_PAYLOAD_BYTES },
    { maxBodyBytes: 16 * 1024 },
  );
  await (await served.engine.start(quick, null, { workflowId: 'done' })).result();
  await served.engine.start(waiter, null, { workflowId: 'waiting' });
});

afterAll(async () => {
  await served.close();
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
});

/** What every answer must be, whatever was asked. */
function expectSound(answer: RawResponse, req: RawRequest): void {
  const where = `${req.method ?? 'GET'} ${req.path} -> ${answer.status} ${answer.text.slice(0, 200)}`;
  expect(answer.status, where).toBeGreaterThanOrEqual(200);
  expect(answer.status >= 500 && answer.status !== 503, where).toBe(false);
  expect(answer.headers['access-control-allow-origin'], where).toBeUndefined();
  const type = String(answer.headers['content-type'] ?? '');
  if (answer.status >= 400 && req.method !== 'HEAD' && type.startsWith('application/json')) {
    expect(typeof answer.json?.error?.code, where).toBe('string');
    expect(typeof answer.json?.error?.message, where).toBe('string');
  }
  if (answer.status === 401 || answer.status === 403) {
    expect(answer.text, where).not.toContain(served.server.token);
  }
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTOTYPE_NAMES);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  expect(unhandled, where).toEqual([]);
}

// ---- request generators ----

const segment = fc.oneof(
  fc.constantFrom(
    'api',
    'runs',
    'waiting',
    'done',
    'nobody',
    'signal',
    'signal-with-start',
    'query',
    'cancel',
    'terminate',
    'history',
    'events',
    'outcomes',
    'supervision',
    'info',
    'tree',
    'counts',
    '',
    '..',
    '.',
    '%00',
    '%2F',
    '%E0%A4%A',
    '%ED%A0%80',
    '__proto__',
    'constructor',
    'favicon.ico',
    'x'.repeat(300),
  ),
  fc.string({ maxLength: 12 }).map(encodeURIComponent),
);
const path = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => `/${parts.join('/')}`),
  fc.constantFrom('/', '/api/runs', '/api/runs/waiting', '/api/events', '/api/runs/waiting/events'),
);
const queryString = fc.oneof(
  fc.constant(''),
  fc
    .array(
      fc.tuple(
        fc.constantFrom(
          'status',
          'type',
          'limit',
          'cursor',
          'runId',
          'lastEventId',
          'token',
          'startedAfter',
          'x',
        ),
        fc.oneof(
          fc.string({ maxLength: 10 }),
          fc.integer().map(String),
          fc.constantFrom('running', '-1', 'NaN', '1e999'),
        ),
      ),
      { maxLength: 3 },
    )
    .map((pairs) => `?${pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')}`),
);
const method = fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD');
/** Header values a client can send (printable ASCII). */
const headerValue = fc.string({ maxLength: 40 }).map((v) => v.replace(/[^\x20-\x7e]/g, ''));
const bodyText = fc.oneof(
  fc.json({ depthSize: 'small' }),
  fc.string({ maxLength: 80 }),
  fc.constantFrom(
    '{"__proto__": {"polluted": 1}}',
    '{"constructor": {"prototype": {"polluted": 1}}}',
    '{"name": "go", "payload": {"__proto__": {"polluted": 1}}}',
    '{"workflowType": "quick", "input": {"__proto__": {"polluted": 1}}}',
    '{"workflowType": "__proto__"}',
    '{"name": "toString"}',
    `{"name": "go", "payload": ${'['.repeat(3000)}${']'.repeat(3000)}}`,
    '{"name": "go", "payload": "\\ud800"}',
  ),
);
const auth = fc.constantFrom('token', 'none', 'wrong', 'lowercase-bearer', 'cookie');
const request = fc
  .record({
    method,
    path,
    query: queryString,
    auth,
    body: fc.option(bodyText, { nil: undefined }),
    contentType: fc.constantFrom(
      'application/json',
      'application/json; charset=utf-8',
      'text/plain',
      'none',
    ),
    origin: fc.option(fc.constantFrom('http://evil.example', 'null', 'same'), { nil: undefined }),
    host: fc.option(fc.constantFrom('evil.example', 'localhost:1', '127.0.0.1'), {
      nil: undefined,
    }),
    extra: fc.option(
      fc.tuple(
        fc.constantFrom('last-event-id', 'x-forwarded-for', 'cookie', 'accept'),
        headerValue,
      ),
      {
        nil: undefined,
      },
    ),
  })
  .map((r): RawRequest => {
    const headers: Record<string, string> = {};
    const { token, port } = served.server;
    if (r.auth === 'token') headers.authorization = `Bearer ${token}`;
    if (r.auth === 'wrong') headers.authorization = `Bearer ${token.slice(1)}x`;
    if (r.auth === 'lowercase-bearer') headers.authorization = `bearer ${token}`;
    if (r.auth === 'cookie') headers.cookie = `aion_token_${port}=${token}`;
    if (r.contentType !== 'none' && r.body !== undefined) headers['content-type'] = r.contentType;
    if (r.origin !== undefined) {
      headers.origin = r.origin === 'same' ? served.server.url : r.origin;
    }
    if (r.host !== undefined) headers.host = r.host;
    if (r.extra !== undefined) headers[r.extra[0]] = r.extra[1];
    return {
      method: r.method,
      path: `${r.path}${r.query}`,
      headers,
      ...(r.body === undefined || r.method === 'GET' || r.method === 'HEAD'
        ? {}
        : { body: r.body }),
    };
  });

/** Every POST endpoint with a JSON body made of anything. */
const POST_PATHS = [
  '/api/runs',
  '/api/runs/waiting/signal',
  '/api/runs/fuzzed/signal-with-start',
  '/api/runs/waiting/query',
  '/api/runs/done/cancel',
  '/api/runs/nobody/terminate',
];
const jsonBody = fc.oneof(
  fc.json({ depthSize: 'small' }),
  fc
    .dictionary(
      fc.constantFrom(
        'workflowType',
        'workflowId',
        'name',
        'payload',
        'input',
        'args',
        'reason',
        'runId',
        'idempotent',
        'executionTimeout',
      ),
      fc.jsonValue({ depthSize: 'small' }),
    )
    .map((fields) => JSON.stringify(fields)),
);

// Long modes (FUZZ_RUNS) outlast vitest's default timeout.
describe('HTTP API fuzzing', { timeout: 600_000 }, () => {
  it('answers any request soundly: no 5xx but 503, no CORS, no crash', async () => {
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        expectSound(await rawRequest(served.server, req), req);
      }),
      fuzzRuns(300),
    );
  });

  it('answers any JSON body to every POST endpoint soundly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...POST_PATHS), jsonBody, async (path, body) => {
        const req: RawRequest = {
          method: 'POST',
          path,
          headers: { ...bearer(served.server), 'content-type': 'application/json' },
          body,
        };
        expectSound(await rawRequest(served.server, req), req);
      }),
      fuzzRuns(300),
    );
  });

  it('still serves afterwards', async () => {
    const info = await rawRequest(served.server, {
      path: '/api/info',
      headers: bearer(served.server),
    });
    expect(info.status).toBe(200);
    const list = await rawRequest(served.server, {
      path: '/api/runs?limit=1000',
      headers: bearer(served.server),
    });
    expect(list.status).toBe(200);
    // Every run the fuzzing started has a readable history.
    for (const run of list.json.items as Array<{ workflowId: string; runId: string }>) {
      const history = await served.engine.history(run.workflowId, run.runId);
      expect(history[0]?.type).toBe('WorkflowStarted');
    }
    expect(unhandled).toEqual([]);
  });
});
