import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../../src/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { aion, fixture } from './cli-harness.js';

const tempDir = useTempDirs('cli-closed');
const shop = fixture('shop.ts');

/** A store directory that no process holds: every command opens it itself. */
async function store(): Promise<string> {
  return join(await tempDir(), 'store');
}

describe('aion against a closed store', () => {
  it('runs a workflow from a module, shows progress and prints the outcome', async () => {
    const s = await store();
    const run = await aion([
      'run',
      shop,
      '-w',
      'order',
      '-i',
      '{"cents": 250}',
      '--id',
      'o-1',
      '--store',
      s,
    ]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('completed o-1');
    expect(JSON.parse(run.stdout.slice(run.stdout.indexOf('{')))).toEqual({
      chargeId: 'ch_250',
      flaky: 'ok',
    });
    // Progress: one line per committed event on a non-terminal stderr.
    expect(run.stderr).toMatch(/#1\s+WorkflowStarted/);
    expect(run.stderr).toMatch(/#5\s+ActivityFailed\s+flaky #2 attempt 1 failed/);
    expect(run.stderr).toMatch(/WorkflowCompleted/);
    const json = await aion([
      'run',
      shop,
      '-w',
      'order',
      '-i',
      '{"cents": 1}',
      '--json',
      '--store',
      s,
    ]);
    expect(json.json()).toMatchObject({ status: 'completed', result: { chargeId: 'ch_1' } });
    expect(json.stderr).toBe('');
  });

  it('exits 3 when the run ends but not completed', async () => {
    const s = await store();
    const run = await aion(['run', shop, '-w', 'refused', '--json', '--store', s]);
    expect(run.code).toBe(3);
    expect(run.json()).toMatchObject({
      status: 'failed',
      error: { name: 'CardDeclined', message: 'card declined' },
    });
  });

  it('lists runs as a table and as JSON, filtered by status and type', async () => {
    const s = await store();
    await aion(['run', shop, '-w', 'order', '-i', '{"cents": 1}', '--id', 'o-1', '--store', s]);
    await aion(['run', shop, '-w', 'refused', '--id', 'r-1', '--store', s]);
    const table = await aion(['list', '--store', s]);
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^WORKFLOW ID\s+TYPE\s+STATUS\s+RESIDENCY\s+STARTED\s+DURATION\s+EVENTS$/,
    );
    expect(lines.slice(1).map((l) => l.split(/\s+/)[0])).toEqual(['r-1', 'o-1']);
    const failed = await aion(['list', '--status', 'failed', '--json', '--store', s]);
    expect(failed.json().items.map((r: { workflowId: string }) => r.workflowId)).toEqual(['r-1']);
    const orders = await aion(['list', '--type', 'order', '--json', '--store', s]);
    expect(orders.json().items.map((r: { workflowId: string }) => r.workflowId)).toEqual(['o-1']);
    const bad = await aion(['list', '--status', 'sleepy', '--store', s]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^aion: INVALID_ARGUMENT: /);
  });

  it('shows a run with a timeline of relative times, attempts and durations', async () => {
    const s = await store();
    await aion(['run', shop, '-w', 'order', '-i', '{"cents": 7}', '--id', 'o-1', '--store', s]);
    const shown = await aion(['show', 'o-1', '--store', s]);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^workflow\s+o-1 {2}order {2}completed$/m);
    expect(shown.stdout).toMatch(/^events\s+9$/m);
    expect(shown.stdout).toMatch(/^\s*\+0ms\s+#1\s+WorkflowStarted\s+order input \{"cents":7\}$/m);
    expect(shown.stdout).toMatch(
      /#3\s+ActivityCompleted\s+charge #1 attempt 1, took \d+ms -> \{"chargeId":"ch_7"\}/,
    );
    expect(shown.stdout).toMatch(/#8\s+ActivityCompleted\s+flaky #2 attempt 2, took \d+ms/);
    const json = await aion(['show', 'o-1', '--json', '--store', s]);
    expect(json.json().description).toMatchObject({ workflowId: 'o-1', status: 'completed' });
    expect(json.json().history).toHaveLength(9);
  });

  it('signals, queries, cancels and terminates with the module registered', async () => {
    const s = await store();
    await aion(['run', shop, '-w', 'approval', '--id', 'a-1', '--store', s], {
      signal: AbortSignal.timeout(300),
    });
    for (const id of ['a-2', 'a-3']) {
      await aion(['run', shop, '-w', 'approval', '--id', id, '--store', s], {
        signal: AbortSignal.abort(),
      });
    }
    const stage = await aion(['query', 'a-1', 'stage', '-m', shop, '--json', '--store', s]);
    expect(stage.code).toBe(0);
    expect(stage.json()).toEqual({ result: 'waiting' });
    const signal = await aion([
      'signal',
      'a-1',
      'approve',
      '{"ok": true}',
      '-m',
      shop,
      '--store',
      s,
    ]);
    expect(signal.code).toBe(0);
    expect(signal.stdout).toBe("signalled 'approve' to a-1\n");
    expect((await aion(['cancel', 'a-2', '--reason', 'no', '-m', shop, '--store', s])).code).toBe(
      0,
    );
    expect((await aion(['terminate', 'a-3', '-m', shop, '--json', '--store', s])).json()).toEqual({
      ok: true,
      workflowId: 'a-3',
    });
    const engine = await Engine.open({ store: s });
    try {
      const history = await engine.history('a-1');
      expect(history.find((e) => e.type === 'SignalReceived')).toMatchObject({
        name: 'approve',
        payload: { ok: true },
      });
      expect((await engine.history('a-2')).map((e) => e.type)).toContain('WorkflowCancelRequested');
      expect((await engine.describe('a-3')).status).toBe('terminated');
    } finally {
      await engine.close();
    }
  });

  it('explains what is missing: the store, the module, the run', async () => {
    const s = await store();
    const none = await aion(['list', '--store', s]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^aion: NO_STORE: no store at .*\(hint: /);
    // A directory that is not a store is not turned into one.
    const plain = await tempDir();
    expect((await aion(['list', '--store', plain])).stderr).toMatch(/NO_STORE/);
    expect(readdirSync(plain)).toEqual([]);
    await aion(['run', shop, '-w', 'approval', '--id', 'a-1', '--store', s], {
      signal: AbortSignal.timeout(200),
    });
    const unknownRun = await aion(['show', 'zzz', '--store', s]);
    expect(unknownRun.code).toBe(1);
    expect(unknownRun.stderr.trim().split('\n')).toHaveLength(1);
    expect(unknownRun.stderr).toMatch(/WORKFLOW_NOT_FOUND/);
    const withoutCode = await aion(['signal', 'a-1', 'approve', '--store', s]);
    expect(withoutCode.code).toBe(1);
    expect(withoutCode.stderr).toMatch(/UNKNOWN_WORKFLOW_TYPE.*--module/);
    const badJson = await aion(['signal', 'a-1', 'approve', '{nope', '--store', s]);
    expect(badJson.code).toBe(2);
    expect(badJson.stderr).toMatch(/INVALID_ARGUMENT: the payload is not valid JSON/);
    const verbose = await aion(['show', 'zzz', '--verbose', '--store', s]);
    expect(verbose.stderr).toMatch(/\n\s+at /);
    const json = await aion(['show', 'zzz', '--json', '--store', s]);
    expect(JSON.parse(json.stderr)).toMatchObject({ error: { code: 'WORKFLOW_NOT_FOUND' } });
    const noModule = await aion(['run', 'nope.ts', '--store', s]);
    expect(noModule.code).toBe(2);
    expect(noModule.stderr).toMatch(/NO_MODULE/);
    const ambiguous = await aion(['run', shop, '--store', s]);
    expect(ambiguous.stderr).toMatch(
      /exports 3 workflows.*--workflow NAME \(approval, order, refused\)/,
    );
  });

  it('replays a history against the current code and exits 4 on nondeterminism', async () => {
    const s = await store();
    await aion(['run', shop, '-w', 'order', '-i', '{"cents": 3}', '--id', 'o-1', '--store', s]);
    const ok = await aion(['replay', shop, 'o-1', '--store', s]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(
      /^ok: order o-1 run \w+ replays its 9 events \(code outcome: completed\)/,
    );
    const changed = await aion([
      'replay',
      fixture('shop-changed.ts'),
      'o-1',
      '--json',
      '--store',
      s,
    ]);
    expect(changed.code).toBe(4);
    expect(changed.json()).toMatchObject({
      ok: false,
      error: { code: 'NONDETERMINISM', details: { seq: 2 } },
    });
    // Replay ran nothing: the store is as it was.
    const engine = await Engine.open({ store: s });
    try {
      expect((await engine.list()).items).toHaveLength(1);
      expect(await engine.history('o-1')).toHaveLength(9);
    } finally {
      await engine.close();
    }
  });
});
