import { describe, expect, it, vi } from 'vitest';
import * as crash from '../../docs/examples/testing/crash.js';
import * as memoryStore from '../../docs/examples/testing/memory-store.js';
import * as replayCheck from '../../docs/examples/testing/replay-check.js';
import { defineCountingStoreConformance } from '../../docs/examples/testing/store-conformance.js';
import * as timeSkipping from '../../docs/examples/testing/time-skipping.js';

describe('docs/testing.md examples', () => {
  // The examples print what they show; the assertions check it.
  vi.spyOn(console, 'log').mockImplementation(() => undefined);

  it('skips 30 days of reminders in well under a second', async () => {
    const t0 = performance.now();
    expect(await timeSkipping.main()).toEqual({ afterTenDays: 10, sent: 30, days: 30 });
    expect(performance.now() - t0).toBeLessThan(1_000);
  });

  it('recovers a run after a simulated crash, charging once', async () => {
    expect(await crash.main()).toEqual({
      stage: 'awaiting shipment',
      result: { receipt: 'charged o-1', tracking: 'TRACK-1' },
      charges: 1,
    });
  });

  it('checks recorded histories against changed code', async () => {
    expect(await replayCheck.main()).toEqual({
      same: { type: 'completed', result: 'rsv-sku-1' },
      changed: {
        code: 'NONDETERMINISM',
        details: expect.objectContaining({
          seq: 4,
          recorded: { kind: 'timer', ordinal: 1, name: '3600000ms' },
          found: { kind: 'activity', ordinal: 2, name: 'notify' },
        }),
      },
    });
  });

  it('injects a write failure and reopens the tables of a MemoryStore', async () => {
    expect(await memoryStore.main()).toEqual({
      refused: 'STORE_WRITE_FAILED',
      reopened: 'hello ada',
    });
  });
});

// The example third-party store runs the whole exported conformance suite.
defineCountingStoreConformance();
