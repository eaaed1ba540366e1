import { describe, expect, it } from 'vitest';
import { Engine, virtualClock } from '../../src/index.js';
import type { HistoryEvent } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { isTerminalEventType } from '../../src/core/index.js';
import { activities, examples, workflows } from '../fixtures/workflows.js';
import { awaitOutcome, runExample } from '../helpers/run-example.js';
import type { RecordedRun } from '../helpers/run-example.js';

/**
 * The equivalence the recovered history must satisfy, precisely:
 *
 * 1. its first k events are the k events the store held, unchanged;
 * 2. after that, event i of the recovered history equals event i of the
 *    uninterrupted one in every field except `recordedAt`, `fireAt` and
 *    `nextAttemptAt` (timestamps), `attempt` (a repeated attempt of an
 *    activity that was in flight at the cut runs again under the number the
 *    history implies, and is recorded once: its first try left no trace) and
 *    the `stack` of recorded errors (it describes the process, not the run);
 * 3. the outcome is equal, error stacks aside.
 *
 * Both runs use virtual time from the same epoch and the recovered engine's
 * clock starts at the time of the last stored event, so in practice even the
 * timestamps agree; the comparison does not depend on that.
 */
function comparable(event: HistoryEvent): unknown {
  const {
    recordedAt: _recordedAt,
    fireAt: _fireAt,
    nextAttemptAt: _nextAttemptAt,
    attempt: _attempt,
    ...rest
  } = event as HistoryEvent & { fireAt?: number; nextAttemptAt?: number; attempt?: number };
  return withoutStacks(rest);
}

function withoutStacks(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutStacks);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== 'stack')
      .map(([key, field]) => [key, withoutStacks(field)]),
  );
}

/** A store holding exactly the first k events of a run, as a crash can leave it. */
async function storeWithPrefix(run: RecordedRun, k: number): Promise<MemoryStore> {
  const store = new MemoryStore();
  await store.commit([
    {
      workflowId: run.workflowId,
      runId: run.runId,
      expectedSeq: 0,
      events: run.history.slice(0, k),
    },
  ]);
  return store;
}

async function recoverFrom(run: RecordedRun, k: number): Promise<RecordedRun> {
  const store = await storeWithPrefix(run, k);
  const clock = virtualClock(run.history[k - 1]!.recordedAt);
  const engine = await Engine.open({ store, workflows, activities, clock });
  try {
    const outcome = await awaitOutcome(engine, clock, run.workflowId, run.runId);
    const history = await engine.history(run.workflowId, run.runId);
    return { ...run, history, outcome };
  } finally {
    await engine.close();
    await store.close();
  }
}

describe('replay equivalence', () => {
  it.each(examples.map((e) => [e.name, e] as const))(
    '%s recovers from every cut of its history to the same result and history',
    async (name, example) => {
      const uninterrupted = await runExample(example, `eq-${name}`);
      const n = uninterrupted.history.length;
      expect(n).toBeGreaterThan(2);
      for (let k = 1; k < n; k++) {
        const recovered = await recoverFrom(uninterrupted, k);
        const where = `${name} cut after seq ${k}`;
        expect(withoutStacks(recovered.outcome), where).toEqual(
          withoutStacks(uninterrupted.outcome),
        );
        expect(recovered.history.slice(0, k), where).toEqual(uninterrupted.history.slice(0, k));
        expect(recovered.history.map(comparable), where).toEqual(
          uninterrupted.history.map(comparable),
        );
        const terminals = recovered.history.filter((e) => isTerminalEventType(e.type));
        expect(terminals, where).toHaveLength(1);
        expect(recovered.history.at(-1), where).toBe(terminals[0]);
      }
    },
  );
});
