import { toErrorInfo } from '../core/index.js';
import type { RunRef } from '../core/index.js';
import { startAttempt } from '../activities/index.js';
import type { AttemptRun, AttemptSpawn, WorkLedger } from '../run/index.js';
import type { EngineCore } from './engine-core.js';

const noAbort = (): void => undefined;

/**
 * Starts one attempt of an outstanding activity of a run. An attempt whose
 * activity is no longer outstanding is stale and reports so; an activity
 * type no longer registered fails without retry.
 */
export function runHostedAttempt(
  core: EngineCore,
  run: RunRef,
  ledger: WorkLedger,
  request: AttemptSpawn,
): AttemptRun {
  const activity = ledger.activities.get(request.activityId);
  if (activity === undefined) {
    const result = { ok: false, error: { name: 'Stale', message: 'stale' } };
    return { output: Promise.resolve({ ...request, result }), abort: noAbort };
  }
  let def;
  try {
    def = core.registry.activity(activity.activityType);
  } catch (error) {
    const result = {
      ok: false,
      error: { ...toErrorInfo(error), nonRetryable: true },
      heartbeatDetails: undefined,
    };
    return { output: Promise.resolve({ ...request, result }), abort: noAbort };
  }
  const attempt = startAttempt({
    def,
    input: activity.input,
    workflowId: run.workflowId,
    runId: run.runId,
    activityId: activity.activityId,
    attempt: request.attempt,
    options: activity.options,
    lastHeartbeatDetails: activity.lastHeartbeatDetails,
    clock: core.clock,
    maxPayloadBytes: core.maxPayloadBytes,
  });
  return { output: attempt.done.then((result) => ({ ...request, result })), abort: attempt.abort };
}
