// Execution
export { RunExecution } from './run-execution.js';
export { isCodeCompletion } from './code-completions.js';
export { attemptActorId, runActorLogic } from './run-actor-logic.js';
export type {
  AttemptOutput,
  AttemptRun,
  AttemptSpawn,
  RunActorEvent,
  RunActorHost,
  RunActorPhase,
  RunActorSnapshot,
} from './run-actor-logic.js';
export { startedEventOf } from './execution-host.js';
export type {
  ActivityCommand,
  ChildCommand,
  ExecutionHost,
  ExecutionInput,
  ExecutionOutcome,
  TimerCommand,
} from './execution-host.js';
export { ContinueAsNewCommand } from './continue-as-new.js';

// History analysis
export { WorkLedger } from './work-ledger.js';
export type { OutstandingActivity, OutstandingChild, OutstandingTimer } from './work-ledger.js';
export { describeShape, sameShape, shapeOfEvent } from './command-shape.js';
export type { CommandShape } from './command-shape.js';
export { isWorkflowTimer, parseRetryTimer, timerIds } from './timer-ids.js';

// Determinism
export { createDeterministicRandom } from './deterministic-random.js';
export type { DeterministicRandom } from './deterministic-random.js';
