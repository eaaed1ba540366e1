import { toErrorInfo } from '../core/index.js';
import type { RunRef } from '../core/index.js';
import { runAttempt } from '../activities/index.js';
import type { AttemptOutput, AttemptSpawn, WorkLedger } from '../run/index.js';
import type { EngineCore } from './engine-core.js';

/**
 * Runs one attempt of an outstanding activity of a run. An attempt whose
 * activity is no longer outstanding is stale and reports so; an activity
 * type no longer registered fails without retry.
 */
export function runHostedAttempt(
  core: EngineCore,
  run: RunRef,
  ledger: WorkLedger,
  request: AttemptSpawn,
  signal: AbortSignal,
): Promise<AttemptOutput> {
  const activity = ledger.activities.get(request.activityId);
  if (activity === undefined) {
    return Promise.resolve({
      ...request,
      result: { ok: false, error: { name: 'Stale', message: 'stale' } },
    });
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
    return Promise.resolve({ ...request, result });
  }
  return runAttempt({
    def,
    input: activity.input,
    workflowId: run.workflowId,
    runId: run.runId,
    activityId: activity.activityId,
    attempt: request.attempt,
    options: activity.options,
    lastHeartbeatDetails: activity.lastHeartbeatDetails,
    clock: core.clock,
    signal,
    maxPayloadBytes: core.maxPayloadBytes,
  }).then((result) => ({ ...request, result }));
}
