// Definitions
export { defineActivity, defineWorkflow } from './definitions.js';
export type {
  ActivityDefinition,
  ActivityOptions,
  RetryOptions,
  WorkflowDefinition,
  WorkflowOptions,
} from './definitions.js';

// Contexts
export type { ActivityContext } from './activity-context.js';
export type {
  CancellationState,
  ChildHandle,
  ChildOptions,
  DurableTimer,
  ParentClosePolicy,
  SignalWaitOptions,
  WorkflowContext,
} from './workflow-context.js';

// Errors
export {
  ActivityFailedError,
  ApplicationError,
  CancelledError,
  ChildWorkflowFailedError,
  TimeoutError,
  isApplicationFailure,
} from './errors.js';
export type { ApplicationErrorOptions } from './errors.js';
