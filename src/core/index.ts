// Errors
export {
  AionError,
  EngineClosedError,
  ErrorCode,
  InvalidArgumentError,
  NondeterminismError,
  PayloadError,
  StoreError,
  WorkflowAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  toErrorInfo,
} from './errors.js';
export type { AionErrorOptions, ErrorInfo } from './errors.js';

// Time
export { systemClock, virtualClock } from './clock.js';
export type { CancelTimer, Clock, VirtualClock } from './clock.js';
export { parseDuration } from './duration.js';
export type { Duration } from './duration.js';

// Ids
export { MAX_ID_LENGTH, assertValidId, createIdFactory } from './ids.js';
export type { IdFactory } from './ids.js';

// Payloads
export {
  DEFAULT_MAX_PAYLOAD_BYTES,
  MAX_PAYLOAD_DEPTH,
  assertSerializable,
  checkPayload,
  decode,
  encode,
  encodePayload,
} from './codec.js';

// Events
export {
  TERMINAL_EVENT_TYPES,
  WORKFLOW_STATUSES,
  isTerminalEventType,
  statusOfTerminal,
} from './events.js';
export type {
  EventBody,
  EventEnvelope,
  EventOf,
  EventType,
  HistoryEvent,
  ResolvedActivityOptions,
  RetryPolicy,
  RunRef,
  TerminalEventType,
  TimerKind,
  WorkflowStatus,
} from './events.js';
