/**
 * What an activity sees of its execution. Passed as the second argument of
 * every activity function.
 */
export interface ActivityContext {
  readonly workflowId: string;
  readonly runId: string;
  readonly activityType: string;
  /** The per-run ordinal of this activity (1-based). */
  readonly activityId: number;
  /** 1-based; continues across restarts of the process. */
  readonly attempt: number;
  /**
   * Stable across retries and recovery: `${workflowId}/${runId}/${activityId}`.
   * Pass it to the systems you call so a repeated attempt does no harm twice.
   */
  readonly idempotencyKey: string;
  /** Aborts on cancellation, attempt timeout or heartbeat timeout. */
  readonly signal: AbortSignal;
  /** Details of the last heartbeat of the previous attempt, if any. */
  readonly lastHeartbeatDetails: unknown;
  /** Reports progress; resets the heartbeat timeout. */
  heartbeat(details?: unknown): void;
}
