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
/** A payload may be anything, `undefined` included, but its field is always written. */
const present: FieldCheck = () => true;
const isRetry: FieldCheck = (v) => {
  if (!isObject(v)) return false;
  const r = v as Body;
  return (
    isNumber(r.maxAttempts) &&
    isNumber(r.initialIntervalMs) &&
    isNumber(r.backoffCoefficient) &&
    isNumber(r.maxIntervalMs) &&
    Array.isArray(r.nonRetryable)
  );
};
const isActivityOptions: FieldCheck = (v) =>
  isObject(v) &&
  isRetry((v as Body).retry) &&
  optional(isNumber)((v as Body).timeoutMs) &&
  optional(isNumber)((v as Body).heartbeatTimeoutMs);
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
 * (`input`, `result`, `payload`) are user data of any shape: only their
 * field must be there. Everything the engine reads to replay, project or
 * index a run is checked, down to the retry policy of an activity.
 */
const SHAPES: Readonly<Record<EventType, Readonly<Record<string, FieldCheck>>>> = {
  WorkflowStarted: {
    workflowType: isString,
    input: present,
    version: isNumber,
    parent: optional(isRunRef),
    previousRunId: optional(isString),
    executionTimeoutAt: optional(isNumber),
  },
  WorkflowCompleted: { result: present },
  WorkflowFailed: { error: isError },
  WorkflowCancelRequested: { reason: isString },
  WorkflowCancelled: { reason: isString },
  WorkflowTerminated: { reason: isString },
  WorkflowTimedOut: { reason: isString },
  WorkflowContinuedAsNew: { input: present, nextRunId: isString, workflowType: optional(isString) },
  ActivityScheduled: {
    activityId: isCount,
    activityType: isString,
    input: present,
    options: isActivityOptions,
  },
  ActivityFailed: {
    activityId: isCount,
    attempt: isCount,
    error: isError,
    retryable: isBoolean,
    nextAttemptAt: optional(isNumber),
  },
  ActivityCompleted: { activityId: isCount, attempt: isCount, result: present },
  ActivityCancelled: { activityId: isCount },
  TimerStarted: { ...timerFields, kind: isString, durationMs: isNumber },
  TimerFired: timerFields,
  TimerCancelled: timerFields,
  SignalReceived: { name: isString, payload: present },
  SignalSent: { targetWorkflowId: isString, name: isString, payload: present },
  ChildWorkflowStarted: {
    ...childFields,
    childRunId: isString,
    workflowType: isString,
    input: present,
    parentClosePolicy: oneOf('terminate', 'cancel', 'abandon'),
  },
  ChildWorkflowCompleted: { ...childFields, result: present },
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
    const ok = check === present ? Object.hasOwn(body, field) : check(body[field]);
    if (!ok) return `its ${type} field '${field}' is missing or malformed`;
  }
  return undefined;
}
