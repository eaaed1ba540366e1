// Errors
export {
  AionError,
  ErrorCode,
  InvalidArgumentError,
  NondeterminismError,
  PayloadError,
  StoreError,
  WorkflowAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
} from './core/index.js';
export type { ErrorInfo } from './core/index.js';

// Time
export { systemClock, virtualClock, parseDuration } from './core/index.js';
export type { Clock, Duration, VirtualClock } from './core/index.js';

// Events
export type { EventType, HistoryEvent, RunRef, WorkflowStatus } from './core/index.js';

// Stores
export type {
  Durability,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from './store/index.js';
