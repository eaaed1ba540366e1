import { describe, expect, it } from 'vitest';
import { AionError, StoreError, virtualClock } from '../../src/index.js';
import { createStoreHealth, isStoreFault } from '../../src/engine/store-health.js';
import type { StoreHealthReport } from '../../src/engine/store-health.js';
import { tick } from '../helpers/wait-until.js';

const T0 = Date.UTC(2024, 0, 1);
const writeFailed = (): StoreError =>
  new StoreError('STORE_WRITE_FAILED', 'disk full', { cause: new Error('ENOSPC') });

function setup() {
  const clock = virtualClock(T0);
  const reports: StoreHealthReport[] = [];
  const health = createStoreHealth({ clock, report: (r) => reports.push(r) });
  return { clock, reports, health };
}

/** Tracks whether a promise settled, without awaiting it. */
function watch(promise: Promise<void>): { settled: () => string | undefined } {
  let state: string | undefined;
  promise.then(
    () => (state = 'resolved'),
    (error: unknown) => (state = `rejected ${(error as AionError).code}`),
  );
  return { settled: () => state };
}

describe('store health', () => {
  it('classifies only STORE_WRITE_FAILED as a store fault', () => {
    const { health, reports } = setup();
    expect(isStoreFault(writeFailed())).toBe(true);
    expect(health.failed(new StoreError('SEQUENCE_CONFLICT', 'two writers'))).toBe(false);
    expect(health.failed(new AionError('INVALID_ARGUMENT', 'bad'))).toBe(false);
    expect(health.failed(new Error('EIO'))).toBe(false);
    expect(health.writable).toBe(true);
    expect(reports).toEqual([]);
  });

  it('reports a fault once per episode and recovery with its duration', async () => {
    const { health, reports, clock } = setup();
    expect(health.failed(writeFailed())).toBe(true);
    expect(health.failed(writeFailed())).toBe(true);
    expect(health.writable).toBe(false);
    expect(() => health.assertWritable()).toThrow(
      expect.objectContaining({ code: 'STORE_WRITE_FAILED' }),
    );
    clock.advance(120);
    health.succeeded(health.sent());
    health.succeeded(health.sent());
    expect(health.writable).toBe(true);
    expect(reports.map((r) => r.type)).toEqual(['store-fault', 'store-recovered']);
    expect(reports[1]).toEqual({ type: 'store-recovered', downMs: 120, failedWrites: 2 });
    await tick();
  });

  it('holds writes during a fault and lets one through per probe, backing off', async () => {
    const { health, clock } = setup();
    health.failed(writeFailed());
    const writes = [health.admit(), health.admit(), health.admit()].map(watch);
    await tick();
    expect(writes.map((w) => w.settled())).toEqual([undefined, undefined, undefined]);
    clock.advance(49);
    await tick();
    expect(writes[0]!.settled()).toBeUndefined();
    clock.advance(1); // the first probe, 50 ms after the fault
    await tick();
    expect(writes.map((w) => w.settled())).toEqual(['resolved', undefined, undefined]);
    health.failed(writeFailed()); // the probe write failed too
    clock.advance(99);
    await tick();
    expect(writes[1]!.settled()).toBeUndefined();
    clock.advance(1); // the second probe, 100 ms after the first
    await tick();
    expect(writes[1]!.settled()).toBe('resolved');
    health.succeeded(health.sent()); // the probe write succeeded: everything held goes out
    await tick();
    expect(writes[2]!.settled()).toBe('resolved');
    expect(clock.nextDeadline()).toBeUndefined();
  });

  it('lets the next write through when a probe finds none waiting', async () => {
    const { health, clock } = setup();
    health.failed(writeFailed());
    clock.advance(50);
    await tick();
    const late = watch(health.admit());
    const later = watch(health.admit());
    await tick();
    expect([late.settled(), later.settled()]).toEqual(['resolved', undefined]);
    health.succeeded(health.sent());
    await tick();
    expect(later.settled()).toBe('resolved');
  });

  it('does not take a write sent before the fault for a recovery', async () => {
    const { health, reports } = setup();
    const early = health.sent();
    health.failed(writeFailed());
    health.succeeded(early);
    expect(health.writable).toBe(false);
    health.succeeded(health.sent());
    expect(health.writable).toBe(true);
    expect(reports.map((r) => r.type)).toEqual(['store-fault', 'store-recovered']);
  });

  it('caps the probe delay at 5 s', async () => {
    const { health, clock } = setup();
    health.failed(writeFailed());
    const writes = Array.from({ length: 12 }, () => watch(health.admit()));
    const delays: number[] = [];
    let last = clock.now();
    for (let i = 0; i < 9; i++) {
      const next = clock.nextDeadline()!;
      delays.push(next - last);
      last = next;
      clock.advanceTo(next);
      await tick();
    }
    expect(delays).toEqual([50, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(writes.filter((w) => w.settled() === 'resolved')).toHaveLength(9);
  });

  it('arms nothing while no write waits, and lets a call from outside be the probe', async () => {
    const { health, clock } = setup();
    health.failed(writeFailed());
    expect(() => health.assertWritable()).toThrow();
    clock.advance(50);
    await tick();
    expect(clock.nextDeadline()).toBeUndefined();
    expect(() => health.assertWritable()).not.toThrow();
    const probe = watch(health.admit());
    await tick();
    expect(probe.settled()).toBe('resolved');
    health.failed(writeFailed()); // the probe failed: calls are refused again
    expect(() => health.assertWritable()).toThrow();
    expect(clock.nextDeadline()).toBe(clock.now() + 100);
  });

  it('rejects held writes and waits with ENGINE_CLOSED on close', async () => {
    const { health, clock } = setup();
    health.failed(writeFailed());
    const write = watch(health.admit());
    const writable = watch(health.whenWritable());
    health.close();
    await tick();
    expect([write.settled(), writable.settled()]).toEqual([
      'rejected ENGINE_CLOSED',
      'rejected ENGINE_CLOSED',
    ]);
    expect(clock.nextDeadline()).toBeUndefined();
  });
});
