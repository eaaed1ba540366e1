import type { EventType } from '../core/index.js';

/** A decoded event body, before it is known to be one. */
type Body = Readonly<Record<string, unknown>>;

type FieldCheck = (value: unknown) => boolean;

const isString: FieldCheck = (v) => typeof v === 'string';
const isNumber: FieldCheck = (v) => typeof v === 'number' && !Number.isNaN(v);
const isCount: FieldCheck = (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isBoolean: FieldCheck = (v) => typeof v === 'boolean';
const isObject: FieldCheck = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isError: FieldCheck = (v) =>
  isObject(v) && isString((v as Body).name) && isString((v as Body).message);
const isRunRef: FieldCheck = (v) =>
  isObject(v) && isString((v as Body).workflowId) && isString((v as Body).runId);
const optional =
  (check: FieldCheck): FieldCheck =>
  (v) =>
    v === undefined || check(v);
const oneOf =
  (...values: readonly string[]): FieldCheck =>
  (v) =>
    typeof v === 'string' && values.includes(v);

const timerFields = { timerId: isString, fireAt: isCount };
const childFields = { childOrdinal: isCount, childWorkflowId: isString };

/**
 * The fields each event type must carry, with their types. Payloads
 * (`input`, `result`, `payload`, heartbeat details) are user data of any
 * shape and are not checked; everything the engine reads to replay,
 * project or index a run is.
 */
const SHAPES: Readonly<Record<EventType, Readonly<Record<string, FieldCheck>>>> = {
  WorkflowStarted: {
    workflowType: isString,
    version: isNumber,
    parent: optional(isRunRef),
    previousRunId: optional(isString),
    executionTimeoutAt: optional(isNumber),
  },
  WorkflowCompleted: {},
  WorkflowFailed: { error: isError },
  WorkflowCancelRequested: { reason: isString },
  WorkflowCancelled: { reason: isString },
  WorkflowTerminated: { reason: isString },
  WorkflowTimedOut: { reason: isString },
  WorkflowContinuedAsNew: { nextRunId: isString, workflowType: optional(isString) },
  ActivityScheduled: { activityId: isCount, activityType: isString, options: isObject },
  ActivityFailed: {
    activityId: isCount,
    attempt: isCount,
    error: isError,
    retryable: isBoolean,
    nextAttemptAt: optional(isNumber),
  },
  ActivityCompleted: { activityId: isCount, attempt: isCount },
  ActivityCancelled: { activityId: isCount },
  TimerStarted: { ...timerFields, kind: isString, durationMs: isNumber },
  TimerFired: timerFields,
  TimerCancelled: timerFields,
  SignalReceived: { name: isString },
  SignalSent: { targetWorkflowId: isString, name: isString },
  ChildWorkflowStarted: {
    ...childFields,
    childRunId: isString,
    workflowType: isString,
    parentClosePolicy: oneOf('terminate', 'cancel', 'abandon'),
  },
  ChildWorkflowCompleted: childFields,
  ChildWorkflowFailed: { ...childFields, error: isError },
  ChildWorkflowCancelled: { ...childFields, reason: isString },
};

/**
 * Why a decoded value is not an event body, or `undefined` when it is one.
 *
 * Stored events carry no checksum, so this shape check is what catches
 * damage that still decodes: a flipped type tag, a renamed field, a number
 * turned into a string. Damage inside a payload, or a number changed to
 * another number, decodes to a well-formed event and cannot be told apart.
 *
 * @param value what msgpackr decoded from a history value.
 */
export function eventShapeProblem(value: unknown): string | undefined {
  if (!isObject(value)) return 'it is not an object';
  const body = value as Body;
  if (!isNumber(body.recordedAt)) return 'its recordedAt is not a number';
  const type = body.type;
  if (typeof type !== 'string' || !Object.hasOwn(SHAPES, type)) {
    return 'its type is not an event type';
  }
  for (const [field, check] of Object.entries(SHAPES[type as EventType])) {
    if (!check(body[field])) return `its ${type} field '${field}' is missing or malformed`;
  }
  return undefined;
}
