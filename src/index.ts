// Engine
export {
  Engine,
  WorkflowCancelledError,
  WorkflowFailedError,
  WorkflowTerminatedError,
  WorkflowTimedOutError,
} from './engine/index.js';
export type {
  EngineOptions,
  EngineStats,
  NondeterminismPolicy,
  OutcomeNotice,
  Residency,
  StartOptions,
  SupervisionEvent,
  TerminalOutcome,
  TreeNode,
  WorkflowDescription,
  WorkflowErrorInfo,
  WorkflowHandle,
  WorkflowPage,
  WorkflowSummary,
} from './engine/index.js';

// Authoring
export {
  ActivityFailedError,
  ApplicationError,
  CancelledError,
  ChildWorkflowFailedError,
  TimeoutError,
  defineActivity,
  defineWorkflow,
} from './workflow/index.js';
export type {
  ActivityContext,
  ActivityDefinition,
  ActivityOptions,
  ApplicationErrorOptions,
  CancellationState,
  ChildHandle,
  ChildOptions,
  DurableTimer,
  ParentClosePolicy,
  RetryOptions,
  SignalWaitOptions,
  WorkflowContext,
  WorkflowDefinition,
  WorkflowOptions,
} from './workflow/index.js';

// Replay without side effects
export { replayHistory } from './engine/index.js';
export type { ReplayOutcome, ReplayResult } from './engine/index.js';

// Serving (types only: the server module loads on the first engine.serve())
export type { AionServer, ServeOptions } from './server/index.js';

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
} from './core/index.js';
export type { ErrorInfo } from './core/index.js';

// Time
export { parseDuration, systemClock, virtualClock } from './core/index.js';
export type { Clock, Duration, VirtualClock } from './core/index.js';

// Events
export type {
  EventType,
  HistoryEvent,
  ResolvedActivityOptions,
  RetryPolicy,
  RunRef,
  TimerKind,
  WorkflowStatus,
} from './core/index.js';

// Stores
export { LevelStore, verifyStore } from './store/index.js';
export type {
  AdmissionRelease,
  BatchInfo,
  CommitResult,
  CorruptionListener,
  Durability,
  EventStore,
  LevelStoreOptions,
  LevelStoreStats,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  StoreProblem,
  StoreProblemKind,
  StoreVerification,
  TimerEntry,
  VerifyOptions,
} from './store/index.js';
