import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';
import { serveEngine } from './harness.js';
import type { Served } from './harness.js';

const tempDir = useTempDirs('server-api');
let served: Served | undefined;
afterEach(async () => {
  await served?.close();
  served = undefined;
});

async function open(): Promise<Served> {
  served = await serveEngine(await tempDir());
  return served;
}

describe('server: JSON endpoints', () => {
  it('starts a run, which completes, and reads its description and history', async () => {
    const { call, engine } = await open();
    const started = await call('POST', '/api/runs', {
      workflowType: 'greet',
      input: 'ada',
      workflowId: 'g-1',
    });
    expect(started.status).toBe(201);
    expect(started.json).toEqual({ workflowId: 'g-1', runId: expect.any(String) });
    await (await engine.getHandle('g-1')).result();
    const described = await call('GET', '/api/runs/g-1');
    expect(described.status).toBe(200);
    expect(described.json).toMatchObject({
      workflowId: 'g-1',
      runId: started.json.runId,
      workflowType: 'greet',
      status: 'completed',
      residency: 'suspended',
    });
    const history = await call('GET', '/api/runs/g-1/history');
    expect(history.json.events.map((e: { type: string }) => e.type)).toEqual([
      'WorkflowStarted',
      'ActivityScheduled',
      'ActivityCompleted',
      'WorkflowCompleted',
    ]);
    expect(history.json.events[3].result).toBe('hello ada');
  });

  it('lists runs newest first with residency, filtered by status and type', async () => {
    const { call, engine } = await open();
    await (await engine.start('greet', 'a', { workflowId: 'done-1' })).result();
    await engine.start('sleeper', null, { workflowId: 'sleep-1' });
    await engine.start('waiter', null, { workflowId: 'wait-1' });
    const all = await call('GET', '/api/runs');
    expect(all.json.items.map((r: { workflowId: string }) => r.workflowId)).toEqual([
      'wait-1',
      'sleep-1',
      'done-1',
    ]);
    const running = await call('GET', '/api/runs?status=running');
    expect(running.json.items.map((r: { workflowId: string }) => r.workflowId).sort()).toEqual([
      'sleep-1',
      'wait-1',
    ]);
    expect(running.json.items.every((r: { residency: string }) => r.residency === 'resident')).toBe(
      true,
    );
    const sleepers = await call('GET', '/api/runs?type=sleeper');
    expect(sleepers.json.items).toHaveLength(1);
    const page = await call('GET', '/api/runs?limit=2');
    expect(page.json.items).toHaveLength(2);
    const next = await call(
      'GET',
      `/api/runs?limit=2&cursor=${encodeURIComponent(page.json.next)}`,
    );
    expect(next.json.items.map((r: { workflowId: string }) => r.workflowId)).toEqual(['done-1']);
  });

  it('signals and queries a run, and cancels and terminates others', async () => {
    const { call, engine } = await open();
    await engine.start('waiter', null, { workflowId: 'w' });
    await engine.start('sleeper', null, { workflowId: 's1' });
    await engine.start('sleeper', null, { workflowId: 's2' });
    expect((await call('POST', '/api/runs/w/query', { name: 'stage' })).json).toEqual({
      result: 'waiting',
    });
    expect(
      (await call('POST', '/api/runs/w/signal', { name: 'go', payload: { n: 1 } })).json,
    ).toEqual({ ok: true });
    expect(await (await engine.getHandle('w')).result()).toEqual({ n: 1 });
    expect((await call('POST', '/api/runs/s1/cancel', { reason: 'enough' })).status).toBe(200);
    expect((await call('POST', '/api/runs/s2/terminate', {})).status).toBe(200);
    await waitUntil(async () => (await engine.describe('s1')).status === 'cancelled');
    expect((await engine.describe('s2')).status).toBe('terminated');
  });

  it('keeps a workflow id with a slash as one path parameter', async () => {
    const { call, engine } = await open();
    await (await engine.start('greet', 'x', { workflowId: 'orders/7' })).result();
    const described = await call('GET', `/api/runs/${encodeURIComponent('orders/7')}`);
    expect(described.json.workflowId).toBe('orders/7');
  });

  it('serves the supervision tree, the registered types and the counts by status', async () => {
    const { call, engine } = await open();
    await engine.start('sleeper', null, { workflowId: 'zz' });
    await (await engine.start('greet', 'b')).result();
    const tree = await call('GET', '/api/tree');
    expect(tree.json.id).toBe('engine');
    const workflows = tree.json.children.find((c: { id: string }) => c.id === 'workflows');
    const sleeperNode = workflows.children.find((c: { id: string }) => c.id === 'sleeper');
    expect(sleeperNode.children).toEqual([
      expect.objectContaining({ kind: 'run', restarts: 0, residency: 'resident' }),
    ]);
    expect((await call('GET', '/api/info')).json.workflowTypes).toEqual([
      'greet',
      'waiter',
      'sleeper',
    ]);
    const counts = (await call('GET', '/api/counts')).json.counts;
    expect(counts).toMatchObject({ running: 1, completed: 1, failed: 0 });
  });
});
