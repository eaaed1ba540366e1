import { AionError, ErrorCode, StoreError } from '../core/index.js';
import type { HistoryEvent, RunRef } from '../core/index.js';
import { applyEvents, describeKey, historyKey } from '../store/index.js';
import type { EventStore, RunSummary } from '../store/index.js';

/** True for a `STORE_CORRUPT` error: a damaged record, not a failed write. */
export function isStoreCorrupt(error: unknown): error is AionError {
  return error instanceof AionError && error.code === ErrorCode.STORE_CORRUPT;
}

/** The run a `STORE_CORRUPT` error names, when its key told the store. */
export function corruptRunOf(error: AionError): RunRef | undefined {
  const details = error.details as { workflowId?: unknown; runId?: unknown } | undefined;
  const { workflowId, runId } = details ?? {};
  return typeof workflowId === 'string' && typeof runId === 'string'
    ? { workflowId, runId }
    : undefined;
}

/** What the engine does with a damaged record it met. */
export interface CorruptionHandlers {
  /** Blocks the run the record belongs to (it cannot make progress). */
  block(run: RunRef, error: AionError): void;
  /** Reports a damaged record that names no run. */
  report(error: AionError): void;
}

/**
 * The engine's listener for damaged records that its tolerant reads skip
 * (recovery's non-terminal index, the timer service's pages, listings). A
 * damaged record is handled once per engine, however often a read meets
 * it again (the timer service rereads its due range on every scan).
 */
export function corruptionListener(handlers: CorruptionHandlers): (error: StoreError) => void {
  const seen = new Set<string>();
  return (error) => {
    const key = (error.details as { key?: unknown } | undefined)?.key;
    const identity = typeof key === 'string' ? key : error.message;
    if (seen.has(identity)) return;
    seen.add(identity);
    const run = corruptRunOf(error);
    if (run === undefined) handlers.report(error);
    else handlers.block(run, error);
  };
}

/**
 * Reads a run's whole history to replay it, and checks it reaches the head
 * its summary names: a history that stops short lost its last events (a
 * damaged or missing key), and replaying it would redo, differently, what
 * was already recorded.
 *
 * @param head the run's durable head seq.
 * @throws StoreError `STORE_CORRUPT` when a record is damaged or missing.
 */
export async function readRunHistory(
  store: EventStore,
  run: RunRef,
  head: number,
): Promise<HistoryEvent[]> {
  const history = await store.readHistory(run.workflowId, run.runId);
  const last = history[history.length - 1]?.seq ?? 0;
  if (last < head) {
    throw corruptEvent(
      run,
      last + 1,
      `the history ends at seq ${last} but the run's head is seq ${head}`,
    );
  }
  return history;
}

/** `STORE_CORRUPT` naming the history record of `seq` of a run, as the store words it. */
function corruptEvent(run: RunRef, seq: number, why: string): StoreError {
  const key = describeKey('history', historyKey(run.workflowId, run.runId, seq));
  return new StoreError(ErrorCode.STORE_CORRUPT, `stored record ${key} is corrupt: ${why}`, {
    details: { sublevel: 'history', key, workflowId: run.workflowId, runId: run.runId },
  });
}

/** `STORE_CORRUPT` for an ended run whose terminal event is not at its head. */
export function missingTerminal(run: RunSummary): StoreError {
  return corruptEvent(
    run,
    run.historyLength,
    `the run ended ${run.status} but its terminal event is missing`,
  );
}

/**
 * The summary of a run whose stored summary is damaged, projected from its
 * history instead (read-only: nothing is repaired), so that `describe()`
 * can still show the run and why it is blocked.
 *
 * @throws the original error when the history does not help.
 */
export async function summaryFromHistory(
  store: EventStore,
  damaged: AionError,
): Promise<RunSummary> {
  const run = corruptRunOf(damaged);
  const sublevel = (damaged.details as { sublevel?: unknown } | undefined)?.sublevel;
  if (run === undefined || sublevel !== 'runs') throw damaged;
  try {
    return applyEvents(undefined, await store.readHistory(run.workflowId, run.runId));
  } catch {
    throw damaged;
  }
}
