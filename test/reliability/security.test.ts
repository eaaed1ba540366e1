import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { readServerFile, resolveServeOptions } from '../../src/server/index.js';
import { dashboardPolicy } from '../../src/server/dashboard/dashboard-page.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { API_ROUTES, bearer, rawRequest, serveMemory } from './http-client.js';
import type { ServedMemory } from './http-client.js';
import { catalogWorkflows, echo, waiter } from './bad-input-catalog/engine-fixtures.js';

/**
 * The security promises of the HTTP API and dashboard (docs/operations.md,
 * Security), each checked on a real server: loopback only, a token on every
 * request (every route, the streams and the page included), an owner-only
 * token file, bounded requests, no CORS. test/server/security.test.ts
 * covers the cookie trade and the server file's life; the dashboard's
 * escaping is checked in Chromium (test/browser/xss.browser.ts) and
 * payload decoding in test/reliability/fuzz/codec.test.ts.
 */

const tempDir = useTempDirs('security');
let served: ServedMemory;
beforeAll(async () => {
  served = await serveMemory({ workflows: catalogWorkflows, activities: [echo] });
  await served.engine.start(waiter, null, { workflowId: 'waiting' });
});
afterAll(() => served.close());

const withBody = ([method, path, body]: readonly [string, string, unknown?]) => ({
  method,
  path,
  ...(body === undefined
    ? {}
    : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
});

describe('security: bound to loopback', () => {
  let engine: Engine | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
  });

  it('defaults to 127.0.0.1, and no other interface of the machine answers', async () => {
    expect(resolveServeOptions({}).host).toBe('127.0.0.1');
    const dir = await tempDir();
    engine = await Engine.open({ store: dir, workflows: catalogWorkflows });
    const server = await engine.serve();
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`http://127.0.0.1:${server.port}`);
    const file = await readServerFile(join(dir, 'aion-server.json'));
    expect(file?.host).toBe('127.0.0.1');
    // Every address of this machine that is not loopback must refuse the port.
    const outside = Object.values(networkInterfaces())
      .flat()
      .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
      .map((a) => a!.address);
    for (const address of outside) {
      const reached = await new Promise<boolean>((resolve) => {
        const socket = connect({ host: address, port: server.port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
      expect(reached, `port ${server.port} open on ${address}`).toBe(false);
    }
  });
});

describe('security: a token on every request', () => {
  it.each(API_ROUTES.map((route) => [`${route[0]} ${route[1]}`, route] as const))(
    'refuses %s without the token, with a wrong one, or with it in the query string',
    async (_what, route) => {
      const req = withBody(route);
      const { token } = served.server;
      for (const headers of [
        {},
        { authorization: `Bearer ${token}x` },
        { authorization: `Basic ${Buffer.from(`aion:${token}`).toString('base64')}` },
        { authorization: token },
        { cookie: `aion_token_${served.server.port}=${token.slice(0, -1)}` },
      ]) {
        const answer = await rawRequest(served.server, {
          ...req,
          headers: { ...req.headers, ...headers },
        });
        expect(answer.status, JSON.stringify(headers)).toBe(401);
        expect(answer.json.error.code).toBe('UNAUTHORIZED');
        expect(answer.text).not.toContain(token);
      }
      const query = await rawRequest(served.server, { ...req, path: `${route[1]}?token=${token}` });
      expect(query.status).toBe(401);
    },
  );

  it('refuses the dashboard page and the favicon without the token', async () => {
    for (const path of ['/', '/favicon.ico', '/?token=wrong']) {
      const answer = await rawRequest(served.server, { path });
      expect(answer.status, path).toBe(401);
      expect(answer.text).not.toContain(served.server.token);
    }
    const favicon = await rawRequest(served.server, {
      path: '/favicon.ico',
      headers: bearer(served.server),
    });
    expect(favicon.status).toBe(204);
  });

  it('draws a token of 256 random bits, new for every server', async () => {
    const { token } = served.server;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const other = await serveMemory({ workflows: catalogWorkflows });
    try {
      expect(other.server.token).not.toBe(token);
      const crossed = await rawRequest(other.server, {
        path: '/api/info',
        headers: bearer(served.server),
      });
      expect(crossed.status).toBe(401);
    } finally {
      await other.close();
    }
  });
});

describe('security: streams', () => {
  it('answers HEAD of a stream with its head, and holds nothing open for it', async () => {
    for (const path of [
      '/api/events',
      '/api/outcomes',
      '/api/supervision',
      '/api/runs/waiting/events',
    ]) {
      const head = await rawRequest(served.server, {
        method: 'HEAD',
        path,
        headers: bearer(served.server),
      });
      expect(head.status, path).toBe(200);
      expect(head.headers['content-type'], path).toMatch(/^text\/event-stream/);
    }
    const info = await rawRequest(served.server, {
      path: '/api/info',
      headers: bearer(served.server),
    });
    expect(info.json.streams).toBe(0);
  });
});

describe('security: the token file', () => {
  it('is readable and writable by its owner only, and goes when the server closes', async () => {
    const dir = await tempDir();
    const engine = await Engine.open({ store: dir, workflows: catalogWorkflows });
    try {
      const server = await engine.serve();
      const { mode, uid } = await stat(server.tokenFile!);
      expect(mode & 0o777).toBe(0o600);
      expect(uid).toBe(process.getuid?.());
      expect((await readServerFile(server.tokenFile!))?.token).toBe(server.token);
      await server.close();
      await expect(stat(server.tokenFile!)).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await engine.close();
    }
  });
});

describe('security: request size limits', () => {
  const big = JSON.stringify({ name: 'go', payload: 'x'.repeat(5 * 1024 * 1024) });

  it('refuses a body over 4 MiB, declared or chunked, with 413, and serves on', async () => {
    for (const chunked of [false, true]) {
      const answer = await rawRequest(served.server, {
        method: 'POST',
        path: '/api/runs/waiting/signal',
        headers: { ...bearer(served.server), 'content-type': 'application/json' },
        body: big,
        chunked,
      });
      expect(answer.status, `chunked: ${chunked}`).toBe(413);
      expect(answer.json.error.code).toBe('PAYLOAD_TOO_LARGE');
    }
    expect((await served.engine.history('waiting')).map((e) => e.type)).toEqual([
      'WorkflowStarted',
    ]);
    const info = await rawRequest(served.server, {
      path: '/api/info',
      headers: bearer(served.server),
    });
    expect(info.status).toBe(200);
  });

  it('refuses headers and targets over 16 KiB before routing them', async () => {
    const huge = await rawRequest(served.server, {
      path: '/api/info',
      headers: { ...bearer(served.server), 'x-padding': 'p'.repeat(64 * 1024) },
    });
    expect(huge.status).toBe(431);
    const longPath = await rawRequest(served.server, {
      path: `/api/runs/${'w'.repeat(64 * 1024)}`,
      headers: bearer(served.server),
    });
    expect(longPath.status).toBe(431);
    const info = await rawRequest(served.server, {
      path: '/api/info',
      headers: bearer(served.server),
    });
    expect(info.status).toBe(200);
  });
});

describe('security: no CORS for other origins', () => {
  it.each(API_ROUTES.map((route) => [`${route[0]} ${route[1]}`, route] as const))(
    'refuses %s from another origin and its preflight, with no CORS header',
    async (_what, route) => {
      const req = withBody(route);
      const foreign = await rawRequest(served.server, {
        ...req,
        headers: { ...req.headers, ...bearer(served.server), origin: 'http://evil.example' },
      });
      expect(foreign.status).toBe(403);
      expect(foreign.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await rawRequest(served.server, {
        method: 'OPTIONS',
        path: route[1],
        headers: {
          origin: 'http://evil.example',
          'access-control-request-method': route[0],
          'access-control-request-headers': 'authorization, content-type',
        },
      });
      expect(preflight.status).toBeGreaterThanOrEqual(400);
      for (const header of Object.keys(preflight.headers)) {
        expect(header.startsWith('access-control-'), header).toBe(false);
      }
    },
  );

  it('sends no CORS header to its own origin either, and keeps its page in its frame', async () => {
    const own = await rawRequest(served.server, {
      path: '/api/runs',
      headers: { ...bearer(served.server), origin: served.server.url },
    });
    expect(own.status).toBe(200);
    expect(own.headers['access-control-allow-origin']).toBeUndefined();
    expect(own.headers['x-content-type-options']).toBe('nosniff');
    const policy = dashboardPolicy('n0nce');
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('unsafe-eval');
  });
});

describe('security: payload keys stay data through the API', () => {
  it("stores 'constructor' and 'prototype' keys as data and refuses an own '__proto__'", async () => {
    const post = (body: string) =>
      rawRequest(served.server, {
        method: 'POST',
        path: '/api/runs',
        headers: { ...bearer(served.server), 'content-type': 'application/json' },
        body,
      });
    const refused = await post(
      '{"workflowType": "waiter", "workflowId": "p", "input": {"__proto__": {"polluted": 1}}}',
    );
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe('PAYLOAD_NOT_SERIALIZABLE');
    const kept = await post(
      '{"workflowType": "waiter", "workflowId": "c", "input": {"constructor": {"prototype": {"polluted": 1}}}}',
    );
    expect(kept.status).toBe(201);
    const history = await rawRequest(served.server, {
      path: '/api/runs/c/history',
      headers: bearer(served.server),
    });
    expect(history.json.events[0].input).toEqual({ constructor: { prototype: { polluted: 1 } } });
    expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
    expect((Object.prototype as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
