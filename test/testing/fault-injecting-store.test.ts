import { describe, expect, it, vi } from 'vitest';
import * as diskFaults from '../../docs/examples/testing/disk-faults.js';
import { StoreError, virtualClock } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { FaultInjectingStore, MemoryStore } from '../../src/testing/index.js';
import type { RunAppend } from '../../src/store/index.js';
import { tick } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);

function started(workflowId: string): RunAppend {
  const event = {
    type: 'WorkflowStarted',
    seq: 1,
    recordedAt: T0,
    workflowId,
    runId: '01HZZZZZZZZZZZZZZZZZZZZZZZ',
    workflowType: 'w',
    input: null,
    version: 1,
  } as HistoryEvent;
  return { workflowId, runId: event.runId, expectedSeq: 0, events: [event] };
}

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe('FaultInjectingStore', () => {
  it('fails writes with STORE_WRITE_FAILED and a Node-shaped cause, writing nothing', async () => {
    const store = new FaultInjectingStore(new MemoryStore());
    store.fail('ENOSPC');
    const error = await rejection(store.commit([started('a')]));
    expect(error.code).toBe('STORE_WRITE_FAILED');
    expect(error.cause).toMatchObject({ code: 'ENOSPC', errno: -28, syscall: 'write' });
    expect(await store.getLatestRunId('a')).toBeUndefined();
    expect((await store.listRuns()).items).toEqual([]);
    store.fail('EIO');
    expect((await rejection(store.commit([started('a')]))).cause).toMatchObject({ code: 'EIO' });
    store.clear();
    await store.commit([started('a')]);
    expect(await store.getLatestRunId('a')).toBe(started('a').runId);
    expect(store.stats()).toEqual({ commits: 1, failedCommits: 2, delayedCommits: 0 });
  });

  it('clears a counted fault by itself after that many writes', async () => {
    const store = new FaultInjectingStore(new MemoryStore());
    store.fail('EIO', { writes: 2 });
    await rejection(store.commit([started('a')]));
    expect(store.fault).toBe('EIO');
    await rejection(store.commit([started('a')]));
    expect(store.fault).toBeUndefined();
    await store.commit([started('a')]);
    expect(store.stats().commits).toBe(1);
  });

  it('holds a slow commit back until its delay passed: not visible, not acknowledged', async () => {
    const clock = virtualClock(T0);
    const store = new FaultInjectingStore(new MemoryStore(), { clock });
    store.slow(200);
    let acknowledged = false;
    const commit = store.commit([started('a')]).then(() => (acknowledged = true));
    clock.advance(199);
    await tick();
    expect(acknowledged).toBe(false);
    expect(await store.getLatestRunId('a')).toBeUndefined();
    clock.advance(1);
    await commit;
    expect(await store.getLatestRunId('a')).toBe(started('a').runId);
    expect(store.stats().delayedCommits).toBe(1);
  });

  it('fails a slow commit when a fault is switched on while it waits', async () => {
    const clock = virtualClock(T0);
    const store = new FaultInjectingStore(new MemoryStore(), { clock });
    store.slow(100);
    const commit = rejection(store.commit([started('a')]));
    store.fail('EIO');
    clock.advance(100);
    expect((await commit).code).toBe('STORE_WRITE_FAILED');
    expect(await store.getLatestRunId('a')).toBeUndefined();
  });

  it("passes the wrapped store's backpressure through", async () => {
    const inner = new MemoryStore();
    const calls: string[] = [];
    Object.assign(inner, {
      admit: () => {
        calls.push('admitted');
        return Promise.resolve(() => calls.push('released'));
      },
    });
    const release = await new FaultInjectingStore(inner).admit();
    release();
    expect(calls).toEqual(['admitted', 'released']);
    // A store without backpressure admits at once.
    (await new FaultInjectingStore(new MemoryStore()).admit())();
  });

  it('refuses bad arguments with INVALID_ARGUMENT', () => {
    const store = new FaultInjectingStore(new MemoryStore());
    expect(() => store.fail('EPERM' as 'EIO')).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => store.fail('EIO', { writes: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
    expect(() => store.slow(-1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(store.fault).toBeUndefined();
  });
});

describe('docs/testing.md disk-fault example', () => {
  it('refuses a start on a full disk and completes the run once it has room', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await diskFaults.main()).toEqual({
      refused: 'STORE_WRITE_FAILED',
      reports: ['store-fault', 'store-recovered'],
      result: 'invoice 2025-01',
    });
  });
});
