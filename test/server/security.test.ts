import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { MemoryStore } from '../../src/testing/index.js';
import { readServerFile } from '../../src/server/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { activities, serveEngine, workflows } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-security');
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function open(): Promise<Served> {
  served = await serveEngine(await tempDir());
  return served;
}

/** A raw request, so that Host and Origin can be anything. */
function rawRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string },
): Promise<{
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('server: security', () => {
  it('binds 127.0.0.1 and writes its address and token to a 0600 file in the store', async () => {
    const dir = await tempDir();
    served = await serveEngine(dir);
    const { server } = served;
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(server.tokenFile).toBe(join(dir, 'aion-server.json'));
    expect((await stat(server.tokenFile!)).mode & 0o777).toBe(0o600);
    const file = await readServerFile(server.tokenFile!);
    expect(file).toMatchObject({ url: server.url, token: server.token, pid: process.pid });
    expect(server.token.length).toBeGreaterThanOrEqual(40);
  });

  it('closes with the engine and removes its token file', async () => {
    const { server, engine } = await open();
    await engine.close();
    expect(existsSync(server.tokenFile!)).toBe(false);
    await expect(fetch(`${server.url}/api/runs`)).rejects.toThrow();
  });

  it('refuses requests without the token or with a wrong one', async () => {
    const { server } = await open();
    const none = await fetch(`${server.url}/api/runs`);
    expect(none.status).toBe(401);
    expect(((await none.json()) as any).error.code).toBe('UNAUTHORIZED');
    const wrong = await fetch(`${server.url}/api/runs`, {
      headers: { authorization: `Bearer ${server.token.slice(1)}x` },
    });
    expect(wrong.status).toBe(401);
    const sse = await fetch(`${server.url}/api/events`);
    expect(sse.status).toBe(401);
  });

  it('refuses other origins and rebound host names, and never sends CORS headers', async () => {
    const { server, engine } = await open();
    await engine.start('waiter', null, { workflowId: 'w' });
    const auth = { authorization: `Bearer ${server.token}` };
    const evil = await rawRequest(`${server.url}/api/runs/w/cancel`, {
      method: 'POST',
      headers: { ...auth, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(evil.status).toBe(403);
    expect(evil.headers['access-control-allow-origin']).toBeUndefined();
    const preflight = await rawRequest(`${server.url}/api/runs`, {
      method: 'OPTIONS',
      headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBeGreaterThanOrEqual(400);
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
    const rebound = await rawRequest(`${server.url}/api/runs`, {
      headers: { ...auth, host: `evil.example:${server.port}` },
    });
    expect(rebound.status).toBe(403);
    expect((await engine.describe('w')).status).toBe('running');
  });

  it('trades the dashboard token for a strict HttpOnly cookie that only same-origin requests use', async () => {
    const { server, engine } = await open();
    await engine.start('waiter', null, { workflowId: 'w' });
    expect((await rawRequest(`${server.url}/`, {})).status).toBe(401);
    expect((await rawRequest(`${server.url}/?token=wrong`, {})).status).toBe(401);
    const login = await rawRequest(server.dashboardUrl, {});
    expect(login.status).toBe(303);
    expect(login.headers.location).toBe('/');
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/HttpOnly/);
    expect(setCookie).toMatch(/SameSite=Strict/);
    const cookie = setCookie.split(';')[0]!;
    const page = await rawRequest(`${server.url}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    const csp = String(page.headers['content-security-policy']);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(page.body).toContain(`<script nonce="${nonce}">`);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect((await rawRequest(`${server.url}/api/runs`, { headers: { cookie } })).status).toBe(200);
    const json = { cookie, 'content-type': 'application/json' };
    const noOrigin = await rawRequest(`${server.url}/api/runs/w/cancel`, {
      method: 'POST',
      headers: json,
      body: '{}',
    });
    expect(noOrigin.status).toBe(403);
    expect((await engine.describe('w')).status).toBe('running');
    const sameOrigin = await rawRequest(`${server.url}/api/runs/w/cancel`, {
      method: 'POST',
      headers: { ...json, origin: server.url },
      body: '{}',
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('writes no token file for an engine on a store instance unless told where', async () => {
    const dir = await tempDir();
    const engine = await Engine.open({ store: new MemoryStore(), workflows, activities });
    try {
      const bare = await engine.serve();
      expect(bare.tokenFile).toBeUndefined();
      const res = await fetch(`${bare.url}/api/runs`, {
        headers: { authorization: `Bearer ${bare.token}` },
      });
      expect(res.status).toBe(200);
      await bare.close();
      const tokenFile = join(dir, 'server.json');
      const told = await engine.serve({ tokenFile });
      expect(told.tokenFile).toBe(tokenFile);
      expect(JSON.parse(await readFile(tokenFile, 'utf8')).token).toBe(told.token);
      expect((await stat(tokenFile)).mode & 0o777).toBe(0o600);
      expect(told.token).not.toBe(bare.token);
    } finally {
      await engine.close();
    }
  });

  it('rejects bad serve options before listening', async () => {
    const { engine } = await open();
    await expect(engine.serve({ port: -1 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.serve({ host: '' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
  });
});
