// Retry policy
export {
  DEFAULT_RETRY_POLICY,
  backoffDelay,
  decideRetry,
  resolveActivityOptions,
} from './retry-policy.js';
export type { RetryDecision } from './retry-policy.js';

// Attempts
export { startAttempt } from './attempt.js';
export type { AttemptRequest, AttemptResult, RunningAttempt } from './attempt.js';
