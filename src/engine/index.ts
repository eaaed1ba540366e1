// Engine
export { Engine } from './engine.js';
export type { StartOptions, WorkflowPage } from './engine.js';
export type { EngineOptions } from './engine-options.js';
export type { EngineStats } from './engine-stats.js';
export type { NondeterminismPolicy } from './engine-core.js';

// Handles and outcomes
export type { WorkflowHandle } from './workflow-handle.js';
export type { OutcomeNotice, TerminalOutcome, WorkflowErrorInfo } from './outcome-events.js';
export {
  WorkflowCancelledError,
  WorkflowFailedError,
  WorkflowTerminatedError,
  WorkflowTimedOutError,
} from './result-errors.js';

// Descriptions and supervision
export type { Residency, WorkflowDescription, WorkflowSummary } from './describe.js';
export type { SupervisionEvent, TreeNode } from './run-hosting.js';

// Replay without side effects (`aion replay`, the testing kit)
export { replayHistory } from './replay-history.js';
export type { ReplayOutcome, ReplayResult } from './replay-history.js';
