import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as heartbeats from '../../docs/examples/activities/heartbeats.js';
import * as idempotency from '../../docs/examples/activities/idempotency.js';
import * as nonRetryable from '../../docs/examples/activities/non-retryable.js';
import * as retries from '../../docs/examples/activities/retries.js';
import * as timeouts from '../../docs/examples/activities/timeouts.js';
import * as firstWorkflow from '../../docs/examples/getting-started/first-workflow.js';
import * as crashAndResume from '../../docs/examples/recovery/crash-and-resume.js';
import * as durability from '../../docs/examples/recovery/durability.js';
import * as unregisteredType from '../../docs/examples/recovery/unregistered-type.js';
import * as activity from '../../docs/examples/workflows/activity.js';
import * as cancellation from '../../docs/examples/workflows/cancellation.js';
import * as childWorkflows from '../../docs/examples/workflows/child-workflows.js';
import * as continueAsNew from '../../docs/examples/workflows/continue-as-new.js';
import * as deterministicValues from '../../docs/examples/workflows/deterministic-values.js';
import * as endingRuns from '../../docs/examples/workflows/ending-runs.js';
import * as failing from '../../docs/examples/workflows/failing.js';
import * as nondeterminism from '../../docs/examples/workflows/nondeterminism.js';
import * as query from '../../docs/examples/workflows/query.js';
import * as signal from '../../docs/examples/workflows/signal.js';
import * as signalWorkflow from '../../docs/examples/workflows/signal-workflow.js';
import * as sleep from '../../docs/examples/workflows/sleep.js';
import * as timer from '../../docs/examples/workflows/timer.js';
import * as withTimeout from '../../docs/examples/workflows/with-timeout.js';

// The examples print what they show; the assertions below check it.
beforeAll(() => {
  vi.spyOn(console, 'log').mockImplementation(() => undefined);
});

// Each example works on its own scratch store, so they run side by side.
describe.concurrent('docs examples', () => {
  describe('getting started', () => {
    it('runs the first workflow', async () => {
      const { sent } = await firstWorkflow.main();
      expect(sent).toHaveLength(2);
      expect(sent[0]).toMatch(/^msg-welcome-ada\/\w+\/1$/);
    });
  });

  describe('workflows', () => {
    it('awaits activities one at a time and in parallel', async () => {
      expect(await activity.main()).toEqual({ first: 300, total: 1400 });
    });

    it('sleeps on a durable timer', async () => {
      const { sent, sleptMs } = await sleep.main();
      expect(sent).toBe('reminded ada@example.com');
      expect(sleptMs).toBeGreaterThanOrEqual(1000);
    });

    it('cancels a timer or lets it fire', async () => {
      expect(await timer.main()).toEqual([
        { id: 'inv-1', paid: 4200, reminded: false },
        { id: 'inv-2', paid: 990, reminded: true },
      ]);
    });

    it('buffers signals and times out a receive', async () => {
      expect(await signal.main()).toEqual([
        '1200 approved by grace',
        '99000 escalated: no decision within 1s',
      ]);
    });

    it('answers queries while running, with their codes otherwise', async () => {
      expect(await query.main()).toEqual([
        { done: 1, of: 2 },
        true,
        'QUERY_NOT_FOUND',
        'WORKFLOW_NOT_RUNNING',
      ]);
    });

    it('races an operation against a durable timeout', async () => {
      expect(await withTimeout.main()).toEqual([
        { eur: 92, source: 'live' },
        { eur: 90, source: 'fallback' },
      ]);
    });

    it('replays now, random and uuid to the same values', async () => {
      expect(await deterministicValues.main()).toBe(true);
    });

    it('compensates on cancellation and ends cancelled', async () => {
      const types = await cancellation.main();
      expect(types.slice(3)).toEqual([
        'ActivityScheduled',
        'WorkflowCancelRequested',
        'ActivityCancelled',
        'ActivityScheduled',
        'ActivityCompleted',
        'WorkflowCancelled',
      ]);
    });

    it('continues as new and follows the chain to the result', async () => {
      expect(await continueAsNew.main()).toEqual({
        result: { seen: 14 },
        statuses: ['completed', 'continuedAsNew', 'continuedAsNew'],
      });
    });

    it('blocks a run on nondeterminism and resumes it with the right code', async () => {
      const { check, blocked, result } = await nondeterminism.main();
      expect(check).toBe('NONDETERMINISM');
      expect(blocked?.code).toBe('NONDETERMINISM');
      expect(result).toBe('rsv-sku-1');
    });

    it('runs child workflows and reports a failed child', async () => {
      const { labels, children } = await childWorkflows.main();
      expect(labels).toEqual([
        'label:book',
        'label:lamp',
        "shipment-1/3 failed: child workflow 'shipment-1/3' failed: no box big enough",
      ]);
      expect(children).toEqual([
        'shipment-1/1 completed',
        'shipment-1/2 completed',
        'shipment-1/3 failed',
      ]);
    });

    it('signals between workflows and with signalWithStart', async () => {
      expect(await signalWorkflow.main()).toEqual({ decision: 'yes' });
    });

    it('fails a run with an ApplicationError', async () => {
      expect(await failing.main()).toMatchObject({
        name: 'LimitExceeded',
        message: 'over the transfer limit',
        details: { cents: 5_000_000, limit: 1_000_000 },
      });
    });

    it('ends runs by execution timeout and by termination', async () => {
      expect(await endingRuns.main()).toEqual(['WORKFLOW_TIMED_OUT', 'WORKFLOW_TERMINATED']);
    });
  });

  describe('activities', () => {
    it('retries with exponential backoff', async () => {
      const { result, calls, failures } = await retries.main();
      expect(result).toBe('report 2025-01-31 (attempt 3)');
      expect(calls).toBe(3);
      expect(failures).toHaveLength(2);
      const [first, second] = failures as Array<{ attempt: number; waitMs: number }>;
      expect(first?.waitMs).toBeGreaterThanOrEqual(99);
      expect(first?.waitMs).toBeLessThanOrEqual(101);
      expect(second?.waitMs).toBeGreaterThanOrEqual(299);
      expect(second?.waitMs).toBeLessThanOrEqual(301);
    });

    it('stops retrying non-retryable errors at once', async () => {
      expect(await nonRetryable.main()).toEqual([
        'charged visa-4242',
        'CardDeclined after 1 attempt(s)',
        'CardExpired after 1 attempt(s)',
      ]);
    });

    it('times out a hanging attempt and retries it', async () => {
      expect(await timeouts.main()).toMatchObject({ firstError: 'ACTIVITY_TIMEOUT' });
    });

    it('fails a silent attempt and hands its last heartbeat to the next', async () => {
      expect(await heartbeats.main()).toEqual({ imported: 7, resumedAt: 3, attempt: 2 });
    });

    it('keeps the idempotency key across retries', async () => {
      expect(await idempotency.main()).toEqual({
        charge: { id: 'ch_1', cents: 2500 },
        charges: 1,
      });
    });
  });

  describe('recovery', () => {
    it('finishes a run after the process was killed with SIGKILL', async () => {
      const { result, journal } = await crashAndResume.main();
      expect(result).toEqual(['extract', 'transform', 'load']);
      const pids = journal.map((line) => line.split(' pid ')[1]);
      expect(journal.map((line) => line.split(' ')[0])).toEqual(['extract', 'transform', 'load']);
      expect(pids[0]).not.toBe(String(process.pid)); // extract ran in the killed process
      expect(pids[1]).toBe(String(process.pid));
    });

    it('keeps runs of an unregistered type blocked, not failed', async () => {
      expect(await unregisteredType.main()).toEqual({
        whileMissing: { status: 'running', code: 'UNKNOWN_WORKFLOW_TYPE' },
        result: 'invoiced 2025-01',
      });
    });

    it('runs with sync and relaxed durability', async () => {
      expect(await durability.main()).toEqual(['pong', 'pong']);
    });
  });
});
