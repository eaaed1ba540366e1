/**
 * Timer ids encode who owns the timer, so replay can tell the workflow's own
 * timers (commands, delivered to code) from the engine's (retry backoff,
 * execution timeout) without storing a lookup table.
 */
export const timerIds = {
  /** The n-th timer the workflow code created (sleep, timer, timeouts). */
  workflow: (ordinal: number): string => `t${ordinal}`,
  /** The backoff before `attempt` of activity `activityId`. */
  retry: (activityId: number, attempt: number): string => `r${activityId}.${attempt}`,
  /** The run's execution timeout. */
  execution: (): string => 'x',
} as const;

/** True for timers created by workflow code. */
export function isWorkflowTimer(timerId: string): boolean {
  return timerId.charCodeAt(0) === 116; // 't'
}

/** Parses a retry timer id back to its activity and attempt. */
export function parseRetryTimer(
  timerId: string,
): { activityId: number; attempt: number } | undefined {
  if (timerId.charCodeAt(0) !== 114) return undefined; // 'r'
  const dot = timerId.indexOf('.');
  if (dot < 0) return undefined;
  const activityId = Number(timerId.slice(1, dot));
  const attempt = Number(timerId.slice(dot + 1));
  return Number.isInteger(activityId) && Number.isInteger(attempt)
    ? { activityId, attempt }
    : undefined;
}
