import {
  ErrorCode,
  InvalidArgumentError,
  PayloadError,
  StoreError,
  assertValidId,
  encode,
} from '../core/index.js';
import type { EventType, HistoryEvent } from '../core/index.js';
import type { RunAppend, RunSummary } from './event-store.js';
import { indexChanges } from './index-changes.js';
import type { IndexOp } from './index-changes.js';
import { historyKey, isKeyNumber, runKey } from './key-codec.js';
import { applyEvents } from './run-projection.js';

/** One run of a planned commit: its key and its summary after the commit. */
export interface PlannedRun {
  readonly key: string;
  readonly summary: RunSummary;
}

/**
 * Everything a store writes for one commit, computed before anything is
 * written: the new summaries, the encoded events under their history keys,
 * and the index changes in event order.
 */
export interface CommitPlan {
  /** One entry per append, in request order. */
  readonly runs: readonly PlannedRun[];
  readonly historyKeys: readonly string[];
  readonly historyValues: readonly Uint8Array[];
  readonly indexOps: readonly IndexOp[];
}

const NO_OPS: readonly IndexOp[] = Object.freeze([]);

/** Reads a run's current head (its summary) by run key; `undefined` when unknown. */
export type HeadReader = (key: string) => RunSummary | undefined;

const KNOWN_TYPES: Readonly<Record<EventType, true>> = {
  WorkflowStarted: true,
  WorkflowCompleted: true,
  WorkflowFailed: true,
  WorkflowCancelRequested: true,
  WorkflowCancelled: true,
  WorkflowTerminated: true,
  WorkflowTimedOut: true,
  WorkflowContinuedAsNew: true,
  ActivityScheduled: true,
  ActivityFailed: true,
  ActivityCompleted: true,
  ActivityCancelled: true,
  TimerStarted: true,
  TimerFired: true,
  TimerCancelled: true,
  SignalReceived: true,
  SignalSent: true,
  ChildWorkflowStarted: true,
  ChildWorkflowCompleted: true,
  ChildWorkflowFailed: true,
  ChildWorkflowCancelled: true,
};

/**
 * Validates a commit, checks every run's expected seq against `headOf`, and
 * computes what to write. Synchronous and free of side effects, so a store
 * can plan a commit and update its head cache in the same tick: two commits
 * naming the same head can then never both pass.
 *
 * @throws InvalidArgumentError for malformed appends (nothing to write, a run
 * named twice, seqs not contiguous from `expectedSeq + 1`, ids that differ
 * from the append's, unknown event types, bad ids or times in keys).
 * @throws StoreError `SEQUENCE_CONFLICT` when a run's head is not `expectedSeq`.
 * @throws WorkflowNotRunningError when appending after a terminal event.
 * @throws PayloadError `PAYLOAD_NOT_SERIALIZABLE` when an event cannot be encoded.
 */
export function planCommit(appends: readonly RunAppend[], headOf: HeadReader): CommitPlan {
  if (!Array.isArray(appends) || appends.length === 0) {
    throw new InvalidArgumentError('a commit needs at least one append');
  }
  const keys = appends.map(validateAppend);
  if (keys.length > 1 && new Set(keys).size !== keys.length) {
    throw new InvalidArgumentError('a commit names the same run twice; merge its events');
  }
  // Check every head before projecting anything: a conflict is reported as
  // such even when another run of the commit is also malformed.
  const befores = keys.map((key, i) => checkHead(appends[i] as RunAppend, headOf(key)));
  const runs: PlannedRun[] = [];
  const historyKeys: string[] = [];
  const historyValues: Uint8Array[] = [];
  let indexOps: IndexOp[] | undefined;
  for (let i = 0; i < appends.length; i++) {
    const append = appends[i] as RunAppend;
    const summary = applyEvents(befores[i], append.events);
    runs.push({ key: keys[i] as string, summary });
    const ops = indexChanges(summary, append.events);
    if (ops.length > 0) (indexOps ??= []).push(...ops);
    for (const event of append.events) {
      historyKeys.push(historyKey(append.workflowId, append.runId, event.seq));
      historyValues.push(encodeEvent(event));
    }
  }
  return { runs, historyKeys, historyValues, indexOps: indexOps ?? NO_OPS };
}

function checkHead(append: RunAppend, before: RunSummary | undefined): RunSummary | undefined {
  const head = before === undefined ? 0 : before.historyLength;
  if (head !== append.expectedSeq) {
    throw new StoreError(
      ErrorCode.SEQUENCE_CONFLICT,
      `run '${append.runId}' of workflow '${append.workflowId}' is at seq ${head}, not ${append.expectedSeq}`,
      {
        details: {
          workflowId: append.workflowId,
          runId: append.runId,
          expectedSeq: append.expectedSeq,
          actualSeq: head,
        },
      },
    );
  }
  return before;
}

/**
 * Encodes an event for the history sublevel without its `seq`, `workflowId`
 * and `runId`: the key holds them, and leaving them out makes the stored
 * value about 40% smaller, which is what a synced write pays for.
 */
function encodeEvent(event: HistoryEvent): Uint8Array {
  const { seq, workflowId, runId } = event;
  try {
    return encode(withoutEnvelopeIds(event));
  } catch (cause) {
    throw new PayloadError(
      ErrorCode.PAYLOAD_NOT_SERIALIZABLE,
      `event seq ${seq} (${event.type}) of run '${runId}' cannot be encoded`,
      { cause, details: { workflowId, runId, seq } },
    );
  }
}

/**
 * The event's own fields but `seq`, `workflowId` and `runId`, as a rest
 * pattern would copy them. A `for…in` copy because events come in a score of
 * shapes, and a rest copy of a megamorphic source measured about twice as
 * slow. An own `__proto__` key stays a data field (an assignment would set
 * the copy's prototype instead).
 */
function withoutEnvelopeIds(event: HistoryEvent): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const key in event) {
    if (key === 'seq' || key === 'workflowId' || key === 'runId' || !Object.hasOwn(event, key)) {
      continue;
    }
    const value: unknown = event[key as keyof HistoryEvent];
    if (key === '__proto__') {
      Object.defineProperty(body, key, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    } else {
      body[key] = value;
    }
  }
  return body;
}

function invalid(append: RunAppend, why: string): never {
  throw new InvalidArgumentError(
    `append to run '${String(append.runId)}' of workflow '${String(append.workflowId)}': ${why}`,
    { details: { workflowId: append.workflowId, runId: append.runId } },
  );
}

/** Checks one append's shape; returns its run key. */
function validateAppend(append: RunAppend): string {
  if (typeof append !== 'object' || append === null) {
    throw new InvalidArgumentError('an append must be an object');
  }
  assertValidId(append.workflowId, 'workflowId');
  assertValidId(append.runId, 'runId');
  if (!isKeyNumber(append.expectedSeq)) invalid(append, 'expectedSeq must be an integer >= 0');
  const events: unknown = append.events;
  if (!Array.isArray(events) || events.length === 0) invalid(append, 'no events to append');
  for (let i = 0; i < append.events.length; i++) {
    validateEvent(append, append.events[i], append.expectedSeq + i + 1);
  }
  return runKey(append.workflowId, append.runId);
}

function validateEvent(append: RunAppend, event: HistoryEvent | undefined, seq: number): void {
  if (typeof event !== 'object' || event === null) invalid(append, `event ${seq} is not an object`);
  if (event.seq !== seq) invalid(append, `expected seq ${seq}, got ${String(event.seq)}`);
  if (event.workflowId !== append.workflowId || event.runId !== append.runId) {
    invalid(append, `event seq ${seq} names another run`);
  }
  if (KNOWN_TYPES[event.type] !== true) {
    invalid(append, `event seq ${seq} has unknown type '${String(event.type)}'`);
  }
  if (typeof event.recordedAt !== 'number' || !Number.isFinite(event.recordedAt)) {
    invalid(append, `event seq ${seq} needs a finite recordedAt`);
  }
  switch (event.type) {
    case 'WorkflowStarted':
      // startedAt and the type are parts of listing keys.
      if (!isKeyNumber(event.recordedAt))
        invalid(append, 'recordedAt of WorkflowStarted must be an integer >= 0');
      assertValidId(event.workflowType, 'workflowType');
      return;
    case 'TimerStarted':
    case 'TimerFired':
    case 'TimerCancelled':
      // fireAt and timerId are parts of the due-timer key.
      if (!isKeyNumber(event.fireAt))
        invalid(append, `fireAt of ${event.type} must be an integer >= 0`);
      assertValidId(event.timerId, 'timerId');
      return;
    default:
      return;
  }
}
