import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { aion, fixture } from './cli-harness.js';

const tempDir = useTempDirs('cli-serving');
const shop = fixture('shop.ts');

/** Starts a long-running command; resolves once it serves. */
async function serving(args: string[]) {
  const controller = new AbortController();
  let ready!: (info: { url: string; dashboardUrl: string }) => void;
  const served = new Promise<{ url: string; dashboardUrl: string }>((resolve) => (ready = resolve));
  const done = aion(args, { signal: controller.signal, onServing: ready });
  const info = await Promise.race([
    served,
    done.then((r) => {
      throw new Error(`exited early: ${r.stderr}`);
    }),
  ]);
  return { info, stop: () => controller.abort(), done };
}

describe('aion worker and aion dashboard', () => {
  it('keeps an engine serving the store until stopped, and other commands reach it', async () => {
    const store = join(await tempDir(), 'store');
    const worker = await serving(['worker', shop, '--dashboard', '--store', store]);
    expect(worker.info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(existsSync(join(store, 'aion-server.json'))).toBe(true);
    // The store is locked by the worker: these go through its HTTP API.
    const run = await aion(
      ['run', shop, '-w', 'approval', '--id', 'a-1', '--no-progress', '--store', store],
      {
        signal: AbortSignal.timeout(300),
      },
    );
    expect(run.code).toBe(130);
    expect((await aion(['signal', 'a-1', 'approve', '{"ok": true}', '--store', store])).code).toBe(
      0,
    );
    const shown = await aion(['show', 'a-1', '--json', '--store', store]);
    expect(shown.json().description.status).toBe('completed');
    worker.stop();
    const result = await worker.done;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^worker: serving .* \(workflows: approval, order, refused\); Ctrl-C to stop$/m,
    );
    expect(result.stdout).toMatch(/^dashboard: http:\/\/127\.0\.0\.1:\d+\/\?token=\S+$/m);
    expect(result.stderr).toContain('stopping: closing the engine');
    // Closed cleanly: the token file is gone and the store opens again.
    expect(existsSync(join(store, 'aion-server.json'))).toBe(false);
    const engine = await Engine.open({ store });
    expect((await engine.describe('a-1')).status).toBe('completed');
    await engine.close();
  });

  it('serves the dashboard of a closed store until stopped', async () => {
    const store = join(await tempDir(), 'store');
    await aion(['run', shop, '-w', 'order', '-i', '{"cents": 1}', '--id', 'o-1', '--store', store]);
    const dashboard = await serving(['dashboard', '--json', '--store', store]);
    const page = await fetch(dashboard.info.dashboardUrl, { redirect: 'manual' });
    expect(page.status).toBe(303);
    const cookie = page.headers.get('set-cookie')!.split(';')[0]!;
    const runs = await fetch(`${dashboard.info.url}/api/runs`, { headers: { cookie } });
    expect(((await runs.json()) as any).items[0].workflowId).toBe('o-1');
    dashboard.stop();
    const result = await dashboard.done;
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      url: dashboard.info.url,
      tokenFile: join(store, 'aion-server.json'),
    });
  });
});
