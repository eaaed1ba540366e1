import { afterAll, beforeAll, expect } from 'vitest';
import { API_ROUTES as ROUTES, bearer, rawRequest, serveMemory } from '../http-client.js';
import type { RawRequest, ServedMemory } from '../http-client.js';
import { describeCatalog, tablesOf } from './catalog.js';
import type { CatalogCase } from './catalog.js';
import { MAX_PAYLOAD_BYTES, catalogWorkflows, echo, quick, waiter } from './engine-fixtures.js';

/**
 * The HTTP surface: every endpoint of the local API with bad JSON, bad
 * bodies and fields, oversized bodies, bad ids, unknown routes, wrong
 * methods, and a missing or wrong token. Each must answer with its status
 * and a JSON error `code`, send no CORS header, and change nothing.
 */
interface HttpRefusal {
  readonly status: number;
  readonly code: string;
}
type Row = CatalogCase<ServedMemory, HttpRefusal>;

/** Largest request body of the catalog's server. */
const MAX_BODY_BYTES = 8 * 1024;

const POST_ROUTES = ROUTES.filter(([method]) => method === 'POST').map(([, path]) => path);

const json = (body: unknown): string => JSON.stringify(body);
const refusal = (status: number, code: string): HttpRefusal => ({ status, code });
const INVALID = refusal(400, 'INVALID_ARGUMENT');

/** A case that sends `req` with the token unless it sets its own authorization. */
function row(what: string, req: RawRequest, expected: HttpRefusal): Row {
  return {
    what,
    refusal: expected,
    call: (s) => {
      const headers: Record<string, string> = {
        ...bearer(s.server),
        ...(req.body === undefined ? {} : { 'content-type': 'application/json' }),
      };
      // An empty value drops a header; `{port}` is the server's port.
      for (const [name, value] of Object.entries(req.headers ?? {})) {
        if (value === '') delete headers[name];
        else headers[name] = value.replace('{port}', String(s.server.port));
      }
      return rawRequest(s.server, { ...req, headers });
    },
  };
}
const post = (what: string, path: string, body: string, expected: HttpRefusal): Row =>
  row(what, { method: 'POST', path, body }, expected);

const deep = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

const authCases: Row[] = ROUTES.flatMap(([method, path, body]): Row[] => {
  const req = { method, path, ...(body === undefined ? {} : { body: json(body) }) };
  const unauthorized = refusal(401, 'UNAUTHORIZED');
  return [
    row(
      `${method} ${path} without a token`,
      { ...req, headers: { authorization: '' } },
      unauthorized,
    ),
    row(
      `${method} ${path} with a wrong token`,
      { ...req, headers: { authorization: 'Bearer not-the-token' } },
      unauthorized,
    ),
    row(
      `${method} ${path} with the token in the query string`,
      { ...req, path: `${path}?token=TOKEN`, headers: { authorization: '' } },
      unauthorized,
    ),
    row(
      `${method} ${path} with a wrong cookie`,
      { ...req, headers: { authorization: '', cookie: 'aion_token_{port}=wrong' } },
      unauthorized,
    ),
  ];
});

const bodyCases: Row[] = [
  ...POST_ROUTES.flatMap((path): Row[] => [
    post(`bad JSON to ${path}`, path, '{"name": "go",', INVALID),
    post(`a JSON array to ${path}`, path, '["go"]', INVALID),
    post(`a JSON string to ${path}`, path, '"go"', INVALID),
    post(`JSON null to ${path}`, path, 'null', INVALID),
    row(
      `a text/plain body to ${path}`,
      { method: 'POST', path, body: '{}', headers: { 'content-type': 'text/plain' } },
      refusal(415, 'UNSUPPORTED_MEDIA_TYPE'),
    ),
    post(
      `a body over maxBodyBytes to ${path}`,
      path,
      json({ name: 'go', payload: 'x'.repeat(2 * MAX_BODY_BYTES) }),
      refusal(413, 'PAYLOAD_TOO_LARGE'),
    ),
    row(
      `a chunked body over maxBodyBytes to ${path}`,
      {
        method: 'POST',
        path,
        body: json({ name: 'go', payload: 'x'.repeat(2 * MAX_BODY_BYTES) }),
        chunked: true,
      },
      refusal(413, 'PAYLOAD_TOO_LARGE'),
    ),
  ]),
  post('a signal name that is a number', '/api/runs/waiting/signal', '{"name": 5}', INVALID),
  post('a signal without a name', '/api/runs/waiting/signal', '{"payload": 1}', INVALID),
  post('an empty signal name', '/api/runs/waiting/signal', '{"name": ""}', INVALID),
  post(
    'a signal name of 257 characters',
    '/api/runs/waiting/signal',
    json({ name: 'n'.repeat(257) }),
    INVALID,
  ),
  post('a signal name with a NUL', '/api/runs/waiting/signal', '{"name": "a\\u0000b"}', INVALID),
  post(
    'a signal payload over maxPayloadBytes',
    '/api/runs/waiting/signal',
    json({ name: 'go', payload: 'x'.repeat(2 * MAX_PAYLOAD_BYTES) }),
    refusal(413, 'PAYLOAD_TOO_LARGE'),
  ),
  post(
    "a signal payload with an own '__proto__' key",
    '/api/runs/waiting/signal',
    '{"name": "go", "payload": {"__proto__": {"polluted": 1}}}',
    refusal(400, 'PAYLOAD_NOT_SERIALIZABLE'),
  ),
  post(
    'a signal payload with a lone surrogate',
    '/api/runs/waiting/signal',
    '{"name": "go", "payload": "\\ud800"}',
    refusal(400, 'PAYLOAD_NOT_SERIALIZABLE'),
  ),
  post(
    'a signal payload nested 3,000 levels deep',
    '/api/runs/waiting/signal',
    `{"name": "go", "payload": ${deep(3_000)}}`,
    refusal(400, 'PAYLOAD_NOT_SERIALIZABLE'),
  ),
  post(
    'a runId with a control character',
    '/api/runs/waiting/signal',
    '{"name": "go", "runId": "r\\u0001"}',
    INVALID,
  ),
  post('a runId that is a number', '/api/runs/waiting/cancel', '{"runId": 7}', INVALID),
  post('a cancel reason that is a number', '/api/runs/waiting/cancel', '{"reason": 7}', INVALID),
  post(
    'a terminate reason over maxPayloadBytes',
    '/api/runs/waiting/terminate',
    json({ reason: 'r'.repeat(2 * MAX_PAYLOAD_BYTES) }),
    refusal(413, 'PAYLOAD_TOO_LARGE'),
  ),
  post('a start without a type', '/api/runs', '{"input": 1}', INVALID),
  post('a start type that is a number', '/api/runs', '{"workflowType": 5}', INVALID),
  post(
    'a start of an unknown type',
    '/api/runs',
    '{"workflowType": "nope"}',
    refusal(400, 'UNKNOWN_WORKFLOW_TYPE'),
  ),
  post(
    'a start id with a control character',
    '/api/runs',
    '{"workflowType": "quick", "workflowId": "a\\u0001"}',
    INVALID,
  ),
  post(
    'a start id of 257 characters',
    '/api/runs',
    json({ workflowType: 'quick', workflowId: 'w'.repeat(257) }),
    INVALID,
  ),
  post(
    'a start id that is a number',
    '/api/runs',
    '{"workflowType": "quick", "workflowId": 5}',
    INVALID,
  ),
  post(
    'a start of a taken id',
    '/api/runs',
    '{"workflowType": "waiter", "workflowId": "waiting"}',
    refusal(409, 'WORKFLOW_ALREADY_STARTED'),
  ),
  post(
    'a start with idempotent "yes"',
    '/api/runs',
    '{"workflowType": "quick", "idempotent": "yes"}',
    INVALID,
  ),
  post(
    'an executionTimeout that does not parse',
    '/api/runs',
    '{"workflowType": "quick", "executionTimeout": "soon"}',
    INVALID,
  ),
  post(
    'a negative executionTimeout',
    '/api/runs',
    '{"workflowType": "quick", "executionTimeout": -1}',
    INVALID,
  ),
  post(
    'an executionTimeout that is an object',
    '/api/runs',
    '{"workflowType": "quick", "executionTimeout": {}}',
    INVALID,
  ),
  post(
    'a start input over maxPayloadBytes',
    '/api/runs',
    json({ workflowType: 'quick', input: 'x'.repeat(2 * MAX_PAYLOAD_BYTES) }),
    refusal(413, 'PAYLOAD_TOO_LARGE'),
  ),
  post(
    "a start input with an own '__proto__' key",
    '/api/runs',
    '{"workflowType": "quick", "input": {"__proto__": {"polluted": 1}}}',
    refusal(400, 'PAYLOAD_NOT_SERIALIZABLE'),
  ),
  post(
    'signal-with-start without a name',
    '/api/runs/fresh/signal-with-start',
    '{"workflowType": "waiter"}',
    INVALID,
  ),
  post(
    'signal-with-start of an unknown type',
    '/api/runs/fresh/signal-with-start',
    '{"workflowType": "nope", "name": "go"}',
    refusal(400, 'UNKNOWN_WORKFLOW_TYPE'),
  ),
  post(
    'query args that are not an array',
    '/api/runs/waiting/query',
    '{"name": "state", "args": 1}',
    INVALID,
  ),
  post('a query without a name', '/api/runs/waiting/query', '{}', INVALID),
  post(
    'a query the run does not answer',
    '/api/runs/waiting/query',
    '{"name": "nope"}',
    refusal(404, 'QUERY_NOT_FOUND'),
  ),
];

const NOT_FOUND = refusal(404, 'WORKFLOW_NOT_FOUND');
const NOT_RUNNING = refusal(409, 'WORKFLOW_NOT_RUNNING');
const pathCases: Row[] = [
  ...(['signal', 'query', 'cancel', 'terminate'] as const).flatMap((verb): Row[] => [
    post(
      `a ${verb} of an unknown run`,
      `/api/runs/nobody/${verb}`,
      json({ name: 'go' }),
      NOT_FOUND,
    ),
    post(
      `a ${verb} of an ended run`,
      `/api/runs/done/${verb}`,
      json({ name: 'state' }),
      NOT_RUNNING,
    ),
    post(
      `a ${verb} of a run id of another workflow`,
      `/api/runs/waiting/${verb}`,
      json({ name: 'go', runId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' }),
      NOT_FOUND,
    ),
  ]),
  row('a describe of an empty id', { path: '/api/runs/' }, INVALID),
  post('a signal to an empty id', '/api/runs//signal', json({ name: 'go' }), INVALID),
  row('the events of an empty id', { path: '/api/runs//events' }, INVALID),
  row('a describe of an unknown run', { path: '/api/runs/nobody' }, NOT_FOUND),
  row('a history of an unknown run', { path: '/api/runs/nobody/history' }, NOT_FOUND),
  row('the events of an unknown run', { path: '/api/runs/nobody/events' }, NOT_FOUND),
  ...(
    [
      ['an id with an encoded NUL', '/api/runs/a%00b'],
      ['an id with an encoded newline', '/api/runs/a%0Ab'],
      ['an id of 257 characters', `/api/runs/${'w'.repeat(257)}`],
      ['an id in broken percent-encoding', '/api/runs/%E0%A4%A'],
      ['an id encoding a lone surrogate', '/api/runs/%ED%A0%80'],
      ['a run id with a control character', '/api/runs/waiting?runId=r%01'],
      ['an events stream of an id with a NUL', '/api/runs/a%00b/events'],
    ] as const
  ).map(([what, path]) => row(`a describe of ${what}`, { path }, INVALID)),
  ...(
    [
      ['an unknown status', '/api/runs?status=sleeping'],
      ['a zero limit', '/api/runs?limit=0'],
      ['a limit that is not a number', '/api/runs?limit=abc'],
      ['a limit over 1,000', '/api/runs?limit=1000000'],
      ['a negative startedAfter', '/api/runs?startedAfter=-5'],
      ['a startedBefore that is not a number', '/api/runs?startedBefore=later'],
      ['a cursor that is not one', '/api/runs?cursor=garbage'],
      ['a type with a control character', '/api/runs?type=a%01'],
      ['a lastEventId that is not a number', '/api/runs/waiting/events?lastEventId=x'],
      ['a negative lastEventId', '/api/runs/waiting/events?lastEventId=-1'],
    ] as const
  ).map(([what, path]) => row(`a listing with ${what}`, { path }, INVALID)),
];

const routingCases: Row[] = [
  ...[
    '/api',
    '/api/nothing',
    '/api/runs/waiting/nope',
    '/api/runs/waiting/history/extra',
    '/index.html',
    '//',
    '//evil.example/api/runs',
  ].map((path) => row(`an unknown path ${path}`, { path }, refusal(404, 'NOT_FOUND'))),
  ...(
    [
      ['DELETE', '/api/runs/waiting'],
      ['PUT', '/api/runs'],
      ['PATCH', '/api/runs/waiting'],
      ['POST', '/api/info'],
      ['POST', '/api/events'],
      ['GET', '/api/runs/waiting/signal'],
      ['GET', '/api/runs/waiting/cancel'],
      ['OPTIONS', '/api/runs'],
      ['POST', '/'],
      ['DELETE', '/'],
    ] as const
  ).map(([method, path]) =>
    row(`${method} ${path}`, { method, path }, refusal(405, 'METHOD_NOT_ALLOWED')),
  ),
  row(
    'a request for another host name (DNS rebinding)',
    { path: '/api/runs', headers: { host: 'evil.example' } },
    refusal(403, 'FORBIDDEN'),
  ),
  row(
    'a request from another origin',
    {
      method: 'POST',
      path: '/api/runs/waiting/cancel',
      body: '{}',
      headers: { origin: 'http://evil.example' },
    },
    refusal(403, 'FORBIDDEN'),
  ),
  row(
    'a preflight from another origin',
    {
      method: 'OPTIONS',
      path: '/api/runs',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    },
    refusal(403, 'FORBIDDEN'),
  ),
];

const cases: Row[] = [...authCases, ...bodyCases, ...pathCases, ...routingCases];

let served: ServedMemory;
beforeAll(async () => {
  served = await serveMemory(
    { workflows: catalogWorkflows, activities: [echo], maxPayloadBytes: MAX_PAYLOAD_BYTES },
    { maxBodyBytes: MAX_BODY_BYTES },
  );
  await (await served.engine.start(quick, null, { workflowId: 'done' })).result();
  await served.engine.start(waiter, null, { workflowId: 'waiting' });
});
afterAll(() => served.close());

describeCatalog('HTTP endpoints', cases, async (bad) => {
  const before = tablesOf(served.store.data);
  const answer = (await bad.call(served)) as Awaited<ReturnType<typeof rawRequest>>;
  expect(answer.status, answer.text).toBe(bad.refusal.status);
  expect(answer.json?.error?.code, answer.text).toBe(bad.refusal.code);
  expect(typeof answer.json?.error?.message).toBe('string');
  expect(answer.headers['access-control-allow-origin']).toBeUndefined();
  expect(answer.headers['content-type']).toMatch(/^application\/json/);
  expect(tablesOf(served.store.data)).toEqual(before);
  expect((await served.engine.describe('waiting')).status).toBe('running');
});
