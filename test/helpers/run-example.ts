import { Engine, virtualClock } from '../../src/index.js';
import type { HistoryEvent, TerminalOutcome, VirtualClock } from '../../src/index.js';
import { MemoryStore } from '../../src/store/index.js';
import { activities, workflows } from '../fixtures/workflows.js';
import type { Example } from '../fixtures/workflows.js';
import { driveUntil } from './drive.js';

/** The virtual epoch of every recorded example: 2024-01-01T00:00:00Z. */
export const EPOCH = Date.UTC(2024, 0, 1);

/** What an uninterrupted run of an example left behind. */
export interface RecordedRun {
  readonly workflowId: string;
  readonly runId: string;
  readonly history: HistoryEvent[];
  readonly outcome: TerminalOutcome;
}

/**
 * Runs one example to its end on a fresh MemoryStore and virtual time that
 * starts at {@link EPOCH}, and returns its history and outcome.
 */
export async function runExample(example: Example, workflowId: string): Promise<RecordedRun> {
  const clock = virtualClock(EPOCH);
  const store = new MemoryStore();
  const engine = await Engine.open({ store, workflows, activities, clock });
  try {
    const handle = await engine.start(example.workflow, example.input, { workflowId });
    const outcome = await awaitOutcome(engine, clock, handle.workflowId, handle.runId);
    return { workflowId, runId: handle.runId, history: await handle.history(), outcome };
  } finally {
    await engine.close();
    await store.close();
  }
}

/** Drives `engine` on `clock` until the run's outcome is durable, and returns it. */
export async function awaitOutcome(
  engine: Engine,
  clock: VirtualClock,
  workflowId: string,
  runId: string,
): Promise<TerminalOutcome> {
  const handle = await engine.getHandle(workflowId, runId);
  let outcome: TerminalOutcome | undefined;
  const subscription = handle.outcome$.subscribe((o) => (outcome = o));
  try {
    await driveUntil(engine, clock, () => outcome !== undefined);
  } finally {
    subscription.unsubscribe();
  }
  return outcome as TerminalOutcome;
}
