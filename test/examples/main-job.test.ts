import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from 'aion-ts';
import type { HistoryEvent, WorkflowSummary } from 'aion-ts';
import { runMainJob } from './main-job-run.js';

const terminalTypes = new Set<HistoryEvent['type']>([
  'WorkflowCompleted',
  'WorkflowFailed',
  'WorkflowCancelled',
  'WorkflowTerminated',
  'WorkflowTimedOut',
  'WorkflowContinuedAsNew',
]);

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

async function tempStore(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aion-main-job-'));
  dirs.push(dir);
  return dir;
}

/** Small durations keep each run of the job around a second. */
function jobEnv(store: string, orders: number, approvalTimeout = '600ms'): Record<string, string> {
  return {
    AION_STORE: store,
    AION_ORDERS: String(orders),
    AION_SLEEP: '300ms',
    AION_APPROVAL_TIMEOUT: approvalTimeout,
  };
}

async function allRuns(engine: Engine, workflowType: string): Promise<WorkflowSummary[]> {
  const runs: WorkflowSummary[] = [];
  let cursor: string | undefined;
  do {
    const page = await engine.list({ workflowType, limit: 100, ...(cursor ? { cursor } : {}) });
    runs.push(...page.items);
    cursor = page.next;
  } while (cursor !== undefined);
  return runs;
}

/**
 * Reads the store the job left: every order of `batch` has exactly one run,
 * which ended with exactly one terminal event, the last of its history, and
 * every approved order exactly one shipping child.
 */
async function expectBatchEndedOnce(store: string, batch: number, orders: number): Promise<void> {
  const engine = await Engine.open({ store }); // no definitions: nothing is recovered or run
  try {
    const runs = (await allRuns(engine, 'orderSaga')).filter((run) =>
      run.workflowId.startsWith(`order-${batch}-`),
    );
    const ids = runs.map((run) => run.workflowId).sort();
    const expected = Array.from({ length: orders }, (_, i) => `order-${batch}-${i + 1}`).sort();
    expect(ids).toEqual(expected); // one run per order: no order started twice
    for (const run of runs) {
      expect(run.status).toBe('completed');
      const history = await engine.history(run.workflowId, run.runId);
      const terminal = history.filter((event) => terminalTypes.has(event.type));
      expect(terminal).toHaveLength(1);
      expect(history.at(-1)?.type).toBe('WorkflowCompleted');
      const scheduled = history.filter((event) => event.type === 'ActivityScheduled');
      const completed = history.filter((event) => event.type === 'ActivityCompleted');
      expect(completed).toHaveLength(scheduled.length);
    }
    // Every shipped order has exactly one shipping child, which completed.
    const children = (await allRuns(engine, 'shipParcel')).filter((run) =>
      run.workflowId.startsWith(`order-${batch}-`),
    );
    const unapproved = new Set([7, 107, 207].map((n) => `order-${batch}-${n}/1`));
    const shippedIds = expected.map((id) => `${id}/1`).filter((id) => !unapproved.has(id));
    expect(children.map((run) => run.workflowId).sort()).toEqual(shippedIds.sort());
    expect(children.every((run) => run.status === 'completed')).toBe(true);
    const batches = await allRuns(engine, 'orderBatch');
    const marker = batches.filter((run) => run.workflowId === `batch-${batch}`);
    expect(marker.map((run) => run.status)).toEqual(['completed']);
  } finally {
    await engine.close();
  }
}

function summaryNumbers(stdout: string): { shipped: number; cancelled: number; failed: number } {
  const number = (label: string): number => {
    const match = new RegExp(`^\\s+${label}\\s+(\\d+)$`, 'm').exec(stdout);
    if (match === null) throw new Error(`no '${label}' line in:\n${stdout}`);
    return Number(match[1]);
  };
  return { shipped: number('shipped'), cancelled: number('cancelled'), failed: number('failed') };
}

describe('main job (npm start)', () => {
  it('runs a batch to completion, prints the summary, and starts a new batch next time', async () => {
    const store = await tempStore();
    const first = await runMainJob({ env: jobEnv(store, 20) });
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Starting batch 1: 20 orders (order-1-1 .. order-1-20)');
    expect(first.stdout).toMatch(/^progress: 20\/20 orders finished/m);
    expect(first.stdout).toContain('Batch 1 complete: 20 orders');
    // Order 7 gets no approval: it takes the timeout path and is compensated.
    expect(summaryNumbers(first.stdout)).toEqual({ shipped: 19, cancelled: 1, failed: 0 });
    expect(first.stdout).toContain(
      'order-1-7: not approved within 600ms (charge refunded, stock released)',
    );
    // 19 x (charge, reserve, ship) + (charge, reserve, release, refund); the
    // first reservation attempt of orders 3, 6, ..., 18 fails and is retried.
    expect(first.stdout).toMatch(/activities\s+61 executed in 67 attempts, 6 retries/);
    await expectBatchEndedOnce(store, 1, 20);

    const second = await runMainJob({ env: jobEnv(store, 3) });
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Starting batch 2: 3 orders');
    expect(summaryNumbers(second.stdout)).toEqual({ shipped: 3, cancelled: 0, failed: 0 });
  });

  it('resumes a batch killed with SIGKILL and finishes every order exactly once', async () => {
    const store = await tempStore();
    // Order 7 waits 2 s for an approval that never comes, so the batch is
    // surely unfinished when the first orders are done.
    const env = jobEnv(store, 30, '2s');
    const killed = await runMainJob({
      env,
      interruptWhen: (out) => /^progress: [1-9]\d*\/30/m.test(out),
    });
    expect(killed.signal).toBe('SIGKILL');
    expect(killed.stdout).toContain('Starting batch 1: 30 orders');
    expect(killed.stdout).not.toContain('Batch 1 complete');

    const resumed = await runMainJob({ env: { ...env, AION_ORDERS: '5' } });
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming batch 1: 30 orders');
    expect(resumed.stdout).toContain('(AION_ORDERS=5 applies to the next batch)');
    expect(resumed.stdout).toMatch(/^ {2}\d+ ended before this session, \d+ recovered/m);
    expect(resumed.stdout).not.toContain('Starting batch');
    expect(resumed.stdout).toContain('Batch 1 complete: 30 orders');
    expect(summaryNumbers(resumed.stdout)).toEqual({ shipped: 29, cancelled: 1, failed: 0 });
    await expectBatchEndedOnce(store, 1, 30);

    const next = await runMainJob({ env: { ...env, AION_ORDERS: '2' } });
    expect(next.code).toBe(0);
    expect(next.stdout).toContain('Starting batch 2: 2 orders');
  });

  it('closes the engine and exits 130 on SIGINT; the next run resumes', async () => {
    const store = await tempStore();
    const env = jobEnv(store, 10);
    const interrupted = await runMainJob({
      env,
      signal: 'SIGINT',
      interruptWhen: (out) => out.includes('Starting batch 1'),
    });
    expect(interrupted.code).toBe(130);
    expect(interrupted.stdout).toContain('SIGINT: closing the engine.');
    expect(interrupted.stderr).toBe('');

    const resumed = await runMainJob({ env });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('Resuming batch 1: 10 orders');
    expect(summaryNumbers(resumed.stdout)).toEqual({ shipped: 9, cancelled: 1, failed: 0 });
    await expectBatchEndedOnce(store, 1, 10);
  });
});
