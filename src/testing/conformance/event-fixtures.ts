import type { EventBody, HistoryEvent, ResolvedActivityOptions, RunRef } from '../../core/index.js';
import type { EventStore, RunAppend, RunSummary } from '../../store/index.js';

/** The epoch ms test events are recorded around. */
export const BASE_TIME = 1_700_000_000_000;

/** Activity options as the engine records them. */
export const ACTIVITY_OPTIONS: ResolvedActivityOptions = {
  retry: {
    maxAttempts: 3,
    initialIntervalMs: 1000,
    backoffCoefficient: 2,
    maxIntervalMs: 60_000,
    nonRetryable: ['Fatal'],
  },
  timeoutMs: 5000,
};

/** A payload exercising every type the codec must round-trip. */
export function richPayload(): Record<string, unknown> {
  return {
    text: 'héllo ✓',
    date: new Date(Date.UTC(2024, 1, 29, 12, 0, 0, 5)),
    map: new Map<unknown, unknown>([
      ['k', { nested: [1, 2, 3] }],
      [7, new Set(['x'])],
    ]),
    set: new Set([1, 'two', 3n]),
    big: 2n ** 70n,
    negativeBig: -(2n ** 65n),
    bytes: new Uint8Array([0, 1, 254, 255]),
    floats: new Float64Array([1.5, -0, Number.MAX_VALUE]),
    ints: new Int32Array([-1, 2 ** 31 - 1]),
    missing: undefined,
    list: [undefined, null, true, 0.1],
    deep: { a: { b: { c: [new Date(0)] } } },
  };
}

/** Builds a recorded event of `ref` from its seq and body. */
export function eventOf(
  ref: RunRef,
  seq: number,
  body: EventBody,
  recordedAt = BASE_TIME + seq,
): HistoryEvent {
  return { seq, recordedAt, workflowId: ref.workflowId, runId: ref.runId, ...body };
}

/** A `WorkflowStarted` body. */
export function startedBody(
  workflowType = 'order',
  extra: Partial<EventBody & { type: 'WorkflowStarted' }> = {},
): EventBody {
  return { type: 'WorkflowStarted', workflowType, input: { n: 1 }, version: 1, ...extra };
}

/** Every non-terminal event type in a valid order, after `WorkflowStarted`. */
export function everyNonTerminalBody(): EventBody[] {
  const payload = richPayload();
  const error = { name: 'Error', message: 'boom', code: 'E_BOOM', details: { retry: true } };
  return [
    {
      type: 'ActivityScheduled',
      activityId: 1,
      activityType: 'charge',
      input: payload,
      options: ACTIVITY_OPTIONS,
    },
    {
      type: 'ActivityFailed',
      activityId: 1,
      attempt: 1,
      error,
      retryable: true,
      nextAttemptAt: BASE_TIME + 1000,
      heartbeatDetails: { at: 3 },
    },
    { type: 'ActivityCompleted', activityId: 1, attempt: 2, result: payload },
    {
      type: 'ActivityScheduled',
      activityId: 2,
      activityType: 'ship',
      input: null,
      options: ACTIVITY_OPTIONS,
    },
    { type: 'ActivityCancelled', activityId: 2 },
    {
      type: 'TimerStarted',
      timerId: 't1',
      fireAt: BASE_TIME + 5000,
      kind: 'sleep',
      durationMs: 5000,
    },
    { type: 'TimerFired', timerId: 't1', fireAt: BASE_TIME + 5000 },
    {
      type: 'TimerStarted',
      timerId: 't2',
      fireAt: BASE_TIME + 9000,
      kind: 'timeout',
      durationMs: 9000,
    },
    { type: 'TimerCancelled', timerId: 't2', fireAt: BASE_TIME + 9000 },
    { type: 'SignalReceived', name: 'approve', payload },
    { type: 'SignalSent', targetWorkflowId: 'other', name: 'ping', payload: new Map([[1, 2]]) },
    {
      type: 'ChildWorkflowStarted',
      childOrdinal: 1,
      childWorkflowId: 'child-1',
      childRunId: 'child-run-1',
      workflowType: 'child',
      input: payload,
      parentClosePolicy: 'terminate',
    },
    { type: 'ChildWorkflowCompleted', childOrdinal: 1, childWorkflowId: 'child-1', result: 42n },
    { type: 'ChildWorkflowFailed', childOrdinal: 2, childWorkflowId: 'child-2', error },
    {
      type: 'ChildWorkflowCancelled',
      childOrdinal: 3,
      childWorkflowId: 'child-3',
      reason: 'parent asked',
    },
    { type: 'WorkflowCancelRequested', reason: 'user' },
  ];
}

/** One body of each terminal event type. */
export function everyTerminalBody(): EventBody[] {
  return [
    { type: 'WorkflowCompleted', result: richPayload() },
    { type: 'WorkflowFailed', error: { name: 'ApplicationError', message: 'no', stack: 'at x' } },
    { type: 'WorkflowCancelled', reason: 'user' },
    { type: 'WorkflowTerminated', reason: 'admin' },
    { type: 'WorkflowTimedOut', reason: 'execution timeout' },
    {
      type: 'WorkflowContinuedAsNew',
      input: { page: 2 },
      workflowType: 'order',
      nextRunId: 'next-run',
    },
  ];
}

/** Builds one append of `bodies` to `ref` at head `expectedSeq`. */
export function appendOf(
  ref: RunRef,
  expectedSeq: number,
  bodies: readonly EventBody[],
  at?: number,
): RunAppend {
  return {
    workflowId: ref.workflowId,
    runId: ref.runId,
    expectedSeq,
    events: bodies.map((body, i) => eventOf(ref, expectedSeq + i + 1, body, at)),
  };
}

/**
 * Appends to one run, tracking its head: the shape of the engine's recorder.
 *
 * @example
 * ```ts
 * const run = runWriter(store, { workflowId: 'w', runId: 'r' });
 * await run.append(startedBody());
 * ```
 */
export interface RunWriter {
  readonly ref: RunRef;
  readonly head: number;
  /** Every event appended so far. */
  readonly events: readonly HistoryEvent[];
  /** Commits `bodies` at the current head, recorded at `at` (default BASE_TIME + seq). */
  append(...bodies: EventBody[]): Promise<RunSummary>;
  appendAt(at: number, ...bodies: EventBody[]): Promise<RunSummary>;
}

/** Creates a {@link RunWriter}. */
export function runWriter(store: EventStore, ref: RunRef): RunWriter {
  const events: HistoryEvent[] = [];
  const appendAt = async (at: number | undefined, bodies: EventBody[]): Promise<RunSummary> => {
    const append = appendOf(ref, events.length, bodies, at);
    const { summaries } = await store.commit([append]);
    events.push(...append.events);
    return summaries[0] as RunSummary;
  };
  return {
    ref,
    get head() {
      return events.length;
    },
    events,
    append: (...bodies) => appendAt(undefined, bodies),
    appendAt: (at, ...bodies) => appendAt(at, bodies),
  };
}
