import { isTerminalEventType } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import type { RunSummary } from './event-store.js';
import { listingKey, runKey, timerKey } from './key-codec.js';

/**
 * The secondary indexes a store keeps beside history and run summaries. All
 * hold string values:
 * - `latest`: `workflowId` -> runId of its newest run;
 * - `nonTerminal`: `workflowId · runId` -> '' for every run still running;
 * - `timers`: `fireAt · workflowId · runId · timerId` -> '' per open timer;
 * - `byStatus`: `status · startedAt · workflowId · runId` -> workflowType;
 * - `byType`: `workflowType · startedAt · workflowId · runId` -> '';
 * - `byStart`: `'' · startedAt · workflowId · runId` -> '' (unfiltered listing).
 */
export type IndexName = 'latest' | 'nonTerminal' | 'timers' | 'byStatus' | 'byType' | 'byStart';

/** Every index, in a stable order. */
export const INDEX_NAMES: readonly IndexName[] = [
  'latest',
  'nonTerminal',
  'timers',
  'byStatus',
  'byType',
  'byStart',
];

/** One change to an index; applied in order, so a later `del` undoes an earlier `put`. */
export type IndexOp =
  | { readonly op: 'put'; readonly index: IndexName; readonly key: string; readonly value: string }
  | { readonly op: 'del'; readonly index: IndexName; readonly key: string };

const NONE: readonly IndexOp[] = Object.freeze([]);

/**
 * Derives the index changes of one append from its events. Pure.
 *
 * - `WorkflowStarted`: sets `latest`, adds the non-terminal entry and the
 *   status (`running`), type and start-time listing entries;
 * - a terminal event: removes the non-terminal entry and moves the status
 *   entry from `running` to the final status;
 * - `TimerStarted` adds a due-timer entry; `TimerFired` / `TimerCancelled`
 *   (which carry the same `fireAt`) remove it.
 *
 * A terminal event does not remove open timers: the engine records
 * `TimerCancelled` for each of them itself, and the index follows history.
 *
 * @param summary the run's summary after the append (it gives `startedAt` and
 * the workflow type, which never change, and the final status).
 * @param events the appended events, in order.
 * @returns the changes in event order; a shared empty array when none.
 */
export function indexChanges(
  summary: RunSummary,
  events: readonly HistoryEvent[],
): readonly IndexOp[] {
  let ops: IndexOp[] | undefined;
  for (const event of events) {
    switch (event.type) {
      case 'ActivityScheduled':
      case 'ActivityCompleted':
      case 'ActivityFailed':
        // The hot path: nothing to index.
        continue;
      case 'WorkflowStarted':
        ops ??= [];
        pushStarted(ops, summary);
        continue;
      case 'TimerStarted':
      case 'TimerFired':
      case 'TimerCancelled': {
        ops ??= [];
        const key = timerKey(event.fireAt, event.workflowId, event.runId, event.timerId);
        ops.push(
          event.type === 'TimerStarted'
            ? { op: 'put', index: 'timers', key, value: '' }
            : { op: 'del', index: 'timers', key },
        );
        continue;
      }
      default:
        if (isTerminalEventType(event.type)) {
          ops ??= [];
          pushTerminal(ops, summary);
        }
    }
  }
  return ops ?? NONE;
}

function pushStarted(ops: IndexOp[], s: RunSummary): void {
  const run = runKey(s.workflowId, s.runId);
  ops.push(
    { op: 'put', index: 'latest', key: s.workflowId, value: s.runId },
    { op: 'put', index: 'nonTerminal', key: run, value: '' },
    {
      op: 'put',
      index: 'byStatus',
      key: listingKey('running', s.startedAt, s.workflowId, s.runId),
      value: s.workflowType,
    },
    {
      op: 'put',
      index: 'byType',
      key: listingKey(s.workflowType, s.startedAt, s.workflowId, s.runId),
      value: '',
    },
    {
      op: 'put',
      index: 'byStart',
      key: listingKey('', s.startedAt, s.workflowId, s.runId),
      value: '',
    },
  );
}

function pushTerminal(ops: IndexOp[], s: RunSummary): void {
  ops.push(
    { op: 'del', index: 'nonTerminal', key: runKey(s.workflowId, s.runId) },
    {
      op: 'del',
      index: 'byStatus',
      key: listingKey('running', s.startedAt, s.workflowId, s.runId),
    },
    {
      op: 'put',
      index: 'byStatus',
      key: listingKey(s.status, s.startedAt, s.workflowId, s.runId),
      value: s.workflowType,
    },
  );
}
