import { describe, expect, it } from 'vitest';
import type { HistoryEvent, TimerEntry } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { createTimerService } from '../../src/timers/index.js';
import { virtualClock } from '../../src/index.js';

const RUN = { workflowId: 'w', runId: '01J00000000000000000000000' };

async function storeWithTimers(fireAts: number[]): Promise<MemoryStore> {
  const store = new MemoryStore();
  const events: HistoryEvent[] = [
    {
      ...RUN,
      seq: 1,
      recordedAt: 0,
      type: 'WorkflowStarted',
      workflowType: 't',
      input: null,
      version: 1,
    },
    ...fireAts.map((fireAt, i): HistoryEvent => ({
      ...RUN,
      seq: i + 2,
      recordedAt: 0,
      type: 'TimerStarted',
      timerId: `t${i + 1}`,
      fireAt,
      kind: 'sleep',
      durationMs: fireAt,
    })),
  ];
  await store.commit([{ ...RUN, expectedSeq: 0, events }]);
  return store;
}

describe('due timers', () => {
  it('pages through due entries after a cursor, in fireAt order', async () => {
    const store = await storeWithTimers([50, 10, 40, 20, 30, 99]);
    const first = await store.dueTimers(45, 2);
    expect(first.map((e) => e.fireAt)).toEqual([10, 20]);
    const second = await store.dueTimers(45, 2, first[1]);
    expect(second.map((e) => e.fireAt)).toEqual([30, 40]);
    expect(await store.dueTimers(45, 2, second[1])).toEqual([]);
    await store.close();
  });

  it('hands every due entry out once however many stay in flight', async () => {
    const fireAts = Array.from({ length: 1200 }, (_, i) => 1 + (i % 300));
    const store = await storeWithTimers(fireAts);
    const clock = virtualClock(1000);
    const seen: TimerEntry[] = [];
    const service = createTimerService({
      store,
      clock,
      onDue: (e) => seen.push(e),
      batchSize: 100,
    });
    await service.start();
    expect(seen).toHaveLength(1200);
    expect(new Set(seen.map((e) => e.timerId)).size).toBe(1200);
    expect(seen.map((e) => e.fireAt)).toEqual([...fireAts].sort((a, b) => a - b));
    service.stop();
    await store.close();
  });
});
