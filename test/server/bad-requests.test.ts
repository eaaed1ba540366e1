import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { serveEngine } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-bad');
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

/** The waiting run `w`, and a snapshot of everything the store says about runs. */
async function openWithRun(): Promise<Served & { snapshot(): Promise<unknown> }> {
  served = await serveEngine(await tempDir());
  const { engine } = served;
  await engine.start('waiter', null, { workflowId: 'w' });
  return {
    ...served,
    snapshot: async () => ({
      runs: (await engine.list()).items,
      history: await engine.history('w'),
    }),
  };
}

async function raw(
  served: Served,
  method: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${served.server.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${served.server.token}`,
      'content-type': 'application/json',
      ...headers,
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined };
}

describe('server: bad requests', () => {
  const cases: [string, string, string, number, string][] = [
    ['bad JSON', '/api/runs/w/signal', '{"name": "go",', 400, 'INVALID_ARGUMENT'],
    ['a body that is an array', '/api/runs/w/signal', '["go"]', 400, 'INVALID_ARGUMENT'],
    [
      'a signal name that is a number',
      '/api/runs/w/signal',
      '{"name": 5}',
      400,
      'INVALID_ARGUMENT',
    ],
    ['a missing signal name', '/api/runs/w/signal', '{"payload": 1}', 400, 'INVALID_ARGUMENT'],
    ['an empty signal name', '/api/runs/w/signal', '{"name": ""}', 400, 'INVALID_ARGUMENT'],
    ['an unknown run', '/api/runs/nope/signal', '{"name": "go"}', 404, 'WORKFLOW_NOT_FOUND'],
    ['an unknown run to cancel', '/api/runs/nope/cancel', '{}', 404, 'WORKFLOW_NOT_FOUND'],
    [
      'a reason that is not a string',
      '/api/runs/w/cancel',
      '{"reason": 7}',
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'a run id of another workflow',
      '/api/runs/w/terminate',
      '{"runId": "01ZZ"}',
      404,
      'WORKFLOW_NOT_FOUND',
    ],
    [
      'an unknown workflow type',
      '/api/runs',
      '{"workflowType": "nope"}',
      400,
      'UNKNOWN_WORKFLOW_TYPE',
    ],
    ['a start without a type', '/api/runs', '{"input": 1}', 400, 'INVALID_ARGUMENT'],
    [
      'a control character in an id',
      '/api/runs',
      '{"workflowType": "greet", "workflowId": "a\\u0001"}',
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'a taken workflow id',
      '/api/runs',
      '{"workflowType": "waiter", "workflowId": "w"}',
      409,
      'WORKFLOW_ALREADY_STARTED',
    ],
    [
      'a bad duration',
      '/api/runs',
      '{"workflowType": "greet", "executionTimeout": "soon"}',
      400,
      'INVALID_ARGUMENT',
    ],
    [
      'query args that are not an array',
      '/api/runs/w/query',
      '{"name": "stage", "args": 1}',
      400,
      'INVALID_ARGUMENT',
    ],
    ['an unknown query', '/api/runs/w/query', '{"name": "nope"}', 404, 'QUERY_NOT_FOUND'],
  ];
  it.each(cases)(
    'refuses %s with its code and changes nothing',
    async (_what, path, body, status, code) => {
      const s = await openWithRun();
      const before = await s.snapshot();
      const answer = await raw(s, 'POST', path, body);
      expect(answer.status).toBe(status);
      expect(answer.json.error.code).toBe(code);
      expect(typeof answer.json.error.message).toBe('string');
      expect(await s.snapshot()).toEqual(before);
    },
  );

  it('refuses a body over the size limit with 413 and changes nothing', async () => {
    const s = await openWithRun();
    const before = await s.snapshot();
    const huge = JSON.stringify({ name: 'go', payload: 'x'.repeat(5 * 1024 * 1024) });
    const answer = await raw(s, 'POST', '/api/runs/w/signal', huge);
    expect(answer.status).toBe(413);
    expect(answer.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await s.snapshot()).toEqual(before);
  });

  it('refuses a body that is not JSON by content type', async () => {
    const s = await openWithRun();
    const answer = await raw(s, 'POST', '/api/runs/w/signal', '{"name":"go"}', {
      'content-type': 'text/plain',
    });
    expect(answer.status).toBe(415);
    expect((await s.engine.history('w')).map((e) => e.type)).not.toContain('SignalReceived');
  });

  it('refuses bad query parameters and unknown paths and methods', async () => {
    const s = await openWithRun();
    expect((await s.call('GET', '/api/runs?status=sleeping')).json.error.code).toBe(
      'INVALID_ARGUMENT',
    );
    expect((await s.call('GET', '/api/runs?limit=0')).status).toBe(400);
    expect((await s.call('GET', '/api/runs?limit=abc')).status).toBe(400);
    expect((await s.call('GET', '/api/nothing')).status).toBe(404);
    expect((await s.call('DELETE', '/api/runs/w')).status).toBe(405);
    expect((await s.call('GET', '/api/runs/%E0%A4%A')).status).toBe(400);
  });

  it('never lets a payload pollute prototypes', async () => {
    const s = await openWithRun();
    const proto =
      '{"workflowType": "greet", "workflowId": "p", "input": {"__proto__": {"polluted": 1}}}';
    const refused = await raw(s, 'POST', '/api/runs', proto);
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('PAYLOAD_NOT_SERIALIZABLE');
    expect((await s.call('GET', '/api/runs/p')).status).toBe(404);
    const ctor =
      '{"workflowType": "greet", "workflowId": "c", "input": {"constructor": {"prototype": {"polluted": 1}}}}';
    expect((await raw(s, 'POST', '/api/runs', ctor)).status).toBe(201);
    const history = await s.call('GET', '/api/runs/c/history');
    expect(history.json.events[0].input).toEqual({ constructor: { prototype: { polluted: 1 } } });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
