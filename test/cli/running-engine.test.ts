import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { writeServerFile } from '../../src/server/server-file.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';
import { aion, fixture } from './cli-harness.js';
import { approval, charge, flaky, order, refused } from './fixtures/shop.js';

const tempDir = useTempDirs('cli-running');
const shop = fixture('shop.ts');
let engine: Engine | undefined;
afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** An engine of this process holds the store (so the CLI cannot open it) and serves it. */
async function runningEngine(serve = true): Promise<{ store: string; engine: Engine }> {
  const store = join(await tempDir(), 'store');
  engine = await Engine.open({
    store,
    workflows: [order, approval, refused],
    activities: [charge, flaky],
  });
  if (serve) await engine.serve();
  return { store, engine };
}

describe('aion against a running engine', () => {
  it('lists, shows, queries and signals through the HTTP API', async () => {
    const { store, engine: e } = await runningEngine();
    await e.start(approval, null, { workflowId: 'a-1' });
    const list = await aion(['list', '--json', '--store', store]);
    expect(list.code).toBe(0);
    expect(list.json().items).toEqual([
      expect.objectContaining({ workflowId: 'a-1', status: 'running', residency: 'resident' }),
    ]);
    const show = await aion(['show', 'a-1', '--store', store]);
    expect(show.stdout).toMatch(/^residency\s+resident$/m);
    expect((await aion(['query', 'a-1', 'stage', '--json', '--store', store])).json()).toEqual({
      result: 'waiting',
    });
    // No --module needed: the running engine has the code.
    const signal = await aion(['signal', 'a-1', 'approve', '{"ok": false}', '--store', store]);
    expect(signal.code).toBe(0);
    expect(await (await e.getHandle('a-1')).result()).toEqual({ ok: false });
  });

  it('cancels and terminates through the HTTP API', async () => {
    const { store, engine: e } = await runningEngine();
    await e.start(approval, null, { workflowId: 'a-1' });
    await e.start(approval, null, { workflowId: 'a-2' });
    expect((await aion(['cancel', 'a-1', '--reason', 'stop', '--store', store])).code).toBe(0);
    expect((await aion(['terminate', 'a-2', '--store', store])).code).toBe(0);
    await waitUntil(async () => (await e.describe('a-1')).status === 'cancelled');
    expect((await e.describe('a-2')).status).toBe('terminated');
    const again = await aion(['terminate', 'a-2', '--store', store]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/^aion: WORKFLOW_NOT_RUNNING: /);
  });

  it('starts a run in the running engine and follows it live', async () => {
    const { store, engine: e } = await runningEngine();
    const run = await aion([
      'run',
      shop,
      '-w',
      'order',
      '-i',
      '{"cents": 9}',
      '--id',
      'o-9',
      '--store',
      store,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('completed o-9');
    expect(run.stderr).toMatch(/#9\s+WorkflowCompleted/);
    expect((await e.describe('o-9')).status).toBe('completed');
  });

  it('shows a live progress line on a terminal', async () => {
    const { store } = await runningEngine();
    const run = await aion(['run', shop, '-w', 'order', '-i', '{"cents": 2}', '--store', store], {
      tty: true,
    });
    expect(run.code).toBe(0);
    expect(run.stderr).not.toContain('\n');
    expect(run.stderr).toContain('\r\x1b[2K');
    expect(run.stderr).toContain('WorkflowCompleted');
  });

  it('replays a history read through the HTTP API', async () => {
    const { store, engine: e } = await runningEngine();
    await (await e.start(order, { cents: 4 }, { workflowId: 'o-4' })).result();
    expect((await aion(['replay', shop, 'o-4', '--store', store])).code).toBe(0);
    expect((await aion(['replay', fixture('shop-changed.ts'), 'o-4', '--store', store])).code).toBe(
      4,
    );
  });

  it('points the dashboard command at the running engine, and the worker command refuses', async () => {
    const { store } = await runningEngine();
    const dashboard = await aion(['dashboard', '--json', '--store', store]);
    expect(dashboard.code).toBe(0);
    const { dashboardUrl, pid } = dashboard.json();
    expect(pid).toBe(process.pid);
    expect((await fetch(dashboardUrl, { redirect: 'manual' })).status).toBe(303);
    const worker = await aion(['worker', shop, '--store', store]);
    expect(worker.code).toBe(5);
    expect(worker.stderr).toMatch(/STORE_LOCKED: the store at .* is held by process \d+/);
  });

  it('reports a store locked by an engine that serves nothing, or by a server that is gone', async () => {
    const { store, engine: e } = await runningEngine(false);
    const locked = await aion(['list', '--store', store]);
    expect(locked.code).toBe(5);
    expect(locked.stderr).toMatch(/^aion: STORE_LOCKED: .*hint: .*engine\.serve\(\)/);
    const server = await e.serve();
    await server.close();
    expect(existsSync(join(store, 'aion-server.json'))).toBe(false);
    // A server file left behind by a server that no longer answers.
    const stale = { url: 'http://127.0.0.1:9', host: '127.0.0.1', port: 9, token: 't', pid: 1 };
    await writeServerFile(join(store, 'aion-server.json'), { ...stale, startedAt: 0 });
    const dead = await aion(['list', '--store', store]);
    expect(dead.code).toBe(5);
    expect(dead.stderr).toMatch(
      /^aion: SERVER_UNREACHABLE: no answer from http:\/\/127\.0\.0\.1:9/,
    );
  });
});
