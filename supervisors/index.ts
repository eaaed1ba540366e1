// aion-ts/supervisors: OTP-style supervision for any XState v5 actor logic.
// The one public door of the library; it depends on xstate and rxjs only.

// Creating supervisors
export { createSupervisor } from './create-supervisor.js';
export type { Supervisor } from './create-supervisor.js';
export { supervisorLogic } from './supervisor-logic.js';
export type {
  SupervisorActorEvent,
  SupervisorCommand,
  SupervisorInput,
  SupervisorLogic,
  SupervisorSnapshot,
  SupervisorState,
} from './supervisor-logic.js';
export { isSupervisorLogic } from './supervisor-brand.js';
export { childRef } from './supervisor-runtime.js';
export type { CommandResult } from './supervisor-runtime.js';

// Specs
export { worker } from './supervisor-spec.js';
export type {
  Backoff,
  ChildSpec,
  Intensity,
  RestartType,
  ShutdownHook,
  StartInfo,
  Strategy,
  SupervisorChildSpec,
  SupervisorOptions,
  SupervisorSpec,
  WorkerSpec,
} from './supervisor-spec.js';
export { DEFAULT_INTENSITY, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './resolve-spec.js';

// Events and the tree
export type {
  CrashedEvent,
  EscalatedEvent,
  ExitDecision,
  ExitedEvent,
  RestartedEvent,
  StartedEvent,
  StopReason,
  StoppedEvent,
  SupervisionEvent,
  SupervisionPath,
} from './supervisor-events.js';
export { supervisionTree } from './supervision-tree.js';
export type {
  SupervisionNode,
  SupervisionTree,
  SupervisorNode,
  SupervisorStatus,
  WorkerNode,
} from './supervision-tree.js';
export type { SupervisorExit } from './core-state.js';

// Time
export { wallClock } from './supervisor-clock.js';
export type { CancelScheduled, SupervisorClock } from './supervisor-clock.js';

// Errors
export { SupervisorError, SupervisorErrorCode } from './supervisor-error.js';

// Pure decision pieces, for testing strategies without actors
export { backoffDelay } from './restart-backoff.js';
export { inWindow, recordRestart } from './restart-intensity.js';
export type { RestartRecord } from './restart-intensity.js';
export { restartGroup } from './restart-strategy.js';
