import { describe, expect, it } from 'vitest';
import { encode } from '../../src/core/index.js';
import { applyEvents, runKey } from '../../src/store/index.js';
import { decodeSummary, encodeSummary } from '../../src/store/summary-codec.js';
import {
  eventOf,
  everyTerminalBody,
  startedBody,
} from '../../src/testing/conformance/event-fixtures.js';

describe('summary codec', () => {
  it('round-trips summaries with and without their optional fields', () => {
    const ref = { workflowId: 'w', runId: 'r' };
    const bare = applyEvents(undefined, [eventOf(ref, 1, startedBody())]);
    const full = applyEvents(undefined, [
      eventOf(
        ref,
        1,
        startedBody('t', { parent: { workflowId: 'p', runId: 'q' }, previousRunId: 'o' }),
      ),
      eventOf(ref, 2, everyTerminalBody()[5] as never),
    ]);
    for (const s of [bare, full])
      expect(decodeSummary(runKey('w', 'r'), encodeSummary(s))).toStrictEqual(s);
    expect(encodeSummary(bare).byteLength).toBeLessThan(40);
  });

  it('reports bytes that are not a summary as STORE_CORRUPT', () => {
    for (const bytes of [
      new Uint8Array([0xc1]),
      encode({ not: 'a tuple' }),
      encode([2, 'x']),
      new Uint8Array([0x9e]),
    ]) {
      expect(() => decodeSummary(runKey('w', 'r'), bytes)).toThrow(
        expect.objectContaining({
          code: 'STORE_CORRUPT',
          details: expect.objectContaining({ key: 'runs/w/r' }),
        }),
      );
    }
  });
});
