import { InvalidArgumentError, NondeterminismError, isTerminalEventType } from '../core/index.js';
import type { HistoryEvent, TerminalEventType } from '../core/index.js';
import { RunExecution, describeShape, startedEventOf } from '../run/index.js';
import type { CommandShape, ExecutionHost, ExecutionOutcome } from '../run/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import { resolveActivityOptions } from '../activities/index.js';

/**
 * How the replayed code ended. `open` means it had not ended when history
 * was exhausted: the history is of a run still in progress (or of one ended
 * from outside, by termination or timeout); `nextCommands` lists the
 * commands the code issued past the end of history, which a live run would
 * record next.
 */
export type ReplayOutcome =
  | Exclude<ExecutionOutcome, { readonly type: 'blocked' }>
  | { readonly type: 'open'; readonly nextCommands: readonly CommandShape[] };

/** The result of {@link replayHistory}. */
export type ReplayResult =
  | { readonly ok: true; readonly outcome: ReplayOutcome }
  | { readonly ok: false; readonly error: NondeterminismError };

/** What the code's outcome must be for each terminal event it can record itself. */
const OUTCOME_OF_TERMINAL: Readonly<Record<TerminalEventType, string | undefined>> = {
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowCancelled: 'cancelled',
  WorkflowContinuedAsNew: 'continuedAsNew',
  // Ended from outside: the code was still running when they were recorded.
  WorkflowTerminated: undefined,
  WorkflowTimedOut: undefined,
};

/** The terminal outcome a code-ended terminal event stands for, as a shape. */
interface EndShape {
  readonly kind: 'end';
  readonly name: string;
}

const settleTurns = 3;
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Replays a recorded history against the current code of its workflow,
 * without side effects, and reports whether the code still produces it.
 *
 * The code runs from the top as on recovery: commands match recorded events
 * and completions are delivered one at a time in history order. Nothing is
 * recorded and no activity or timer runs: a command past the end of history
 * is only noted. A recorded terminal event is the point where the code must
 * have ended, with the same outcome type (`WorkflowCompleted` -> `completed`,
 * ...); `WorkflowTerminated` and `WorkflowTimedOut` were recorded from
 * outside and interrupted the code where it stood, so only the commands
 * before them must match: what the code does past them (it may have been
 * delivered a completion it never got to react to) is reported as its
 * outcome, not as a mismatch.
 *
 * @param definition the workflow definition whose code replays the history;
 * its name must be the recorded `workflowType`.
 * @param history a run's events in seq order, beginning with `WorkflowStarted`
 * (e.g. from `engine.history()`, or parsed back from JSON).
 * @param options `maxPayloadBytes`: the engine's, so that a command it refused
 * for its size (which the code may have caught) is refused here too.
 * Activity options are checked as the engine checks them; whether a type is
 * registered is not known here, so a run whose code caught
 * `UNKNOWN_ACTIVITY_TYPE` or `UNKNOWN_WORKFLOW_TYPE` does not replay.
 * @returns `{ ok: true, outcome }`, or `{ ok: false, error }` with a
 * `NONDETERMINISM` error whose `details` hold `seq`, `recorded` and `found`.
 * @throws InvalidArgumentError for a malformed history or a workflow type
 * mismatch; rethrows what the code throws when it crashes.
 * @example
 * ```ts
 * const history = await engine.history('order-1');
 * const replay = await replayHistory(orderSaga, history);
 * if (!replay.ok) console.error(replay.error.message, replay.error.details);
 * ```
 */
export async function replayHistory(
  definition: WorkflowDefinition,
  history: readonly HistoryEvent[],
  options: { readonly maxPayloadBytes?: number } = {},
): Promise<ReplayResult> {
  if (definition?.kind !== 'workflow') {
    throw new InvalidArgumentError('replayHistory needs a workflow definition');
  }
  const started = startedEventOf(history);
  if (started.workflowType !== definition.name) {
    throw new InvalidArgumentError(
      `the history is of workflow type '${started.workflowType}', not '${definition.name}'`,
    );
  }
  history.forEach((event, i) => {
    if (event.seq !== i + 1) {
      throw new InvalidArgumentError(`history event #${i + 1} has seq ${event.seq}`);
    }
  });
  const last = history[history.length - 1] as HistoryEvent;
  const terminal = isTerminalEventType(last.type) ? last : undefined;

  const nextCommands: CommandShape[] = [];
  const execution = new RunExecution({
    definition,
    history,
    host: recordingHost(last.recordedAt, nextCommands),
    ...(options.maxPayloadBytes === undefined ? {} : { maxPayloadBytes: options.maxPayloadBytes }),
  });
  let outcome: ExecutionOutcome | undefined;
  let crash: { error: unknown } | undefined;
  execution.run().then(
    (ended) => (outcome = ended),
    (error: unknown) => (crash = { error }),
  );
  await execution.replayed;
  // Let the code run on until it waits for something history does not hold.
  for (let i = 0; i < settleTurns; i++) await nextTurn();
  if (crash !== undefined) throw crash.error;
  if (outcome?.type === 'blocked') {
    return { ok: false, error: outcome.error as NondeterminismError };
  }

  const mismatch = (why: string, recorded: unknown, found: unknown): ReplayResult => {
    const seq = terminal?.seq ?? last.seq;
    const describe = (shape: unknown): string =>
      isEndShape(shape) ? `end ${shape.name}` : describeShape(shape as CommandShape | undefined);
    const { workflowId, runId, workflowType } = started;
    const error = new NondeterminismError(
      `nondeterminism in ${workflowType} '${workflowId}' run ${runId} at seq ${seq}: ${why} ` +
        `(recorded: ${describe(recorded)}; code: ${describe(found)}). ` +
        'Check for code changes, reads of the clock, Math.random or I/O in workflow code.',
      { details: { workflowId, runId, seq, recorded, found } },
    );
    return { ok: false, error };
  };

  if (terminal === undefined) {
    return { ok: true, outcome: outcome ?? { type: 'open', nextCommands } };
  }
  const expected = OUTCOME_OF_TERMINAL[terminal.type as TerminalEventType];
  if (expected === undefined) {
    // Ended from outside: the code was interrupted where it stood, maybe
    // between a completion it had been delivered and the commands (or the
    // end) it reached in reaction, which the run never got to record. Only
    // the commands recorded before the end had to match.
    return { ok: true, outcome: outcome ?? { type: 'open', nextCommands } };
  }
  const recordedEnd: EndShape = { kind: 'end', name: terminal.type };
  if (nextCommands.length > 0) {
    return mismatch(
      'the code issued a command after the point where the run ended',
      recordedEnd,
      nextCommands[0],
    );
  }
  if (outcome === undefined) {
    return mismatch('the code did not end where the recorded run ended', recordedEnd, undefined);
  }
  if (outcome.type !== expected) {
    return mismatch('the code ended differently from the recorded run', recordedEnd, {
      kind: 'end',
      name: outcome.type,
    } satisfies EndShape);
  }
  return { ok: true, outcome };
}

function isEndShape(shape: unknown): shape is EndShape {
  return typeof shape === 'object' && shape !== null && (shape as EndShape).kind === 'end';
}

/**
 * A host that performs nothing: live commands (those past the end of
 * history) are noted as shapes, timer cancellations and everything else are
 * ignored.
 */
function recordingHost(now: number, commands: CommandShape[]): ExecutionHost {
  return {
    now: () => now,
    yieldToMicrotasks: nextTurn,
    // Refused as the engine refuses it, so a caught refusal replays the same.
    checkActivity: (def, options) => void resolveActivityOptions(def.options, options),
    scheduleActivity: (command) =>
      commands.push({ kind: 'activity', ordinal: command.activityId, name: command.def.name }),
    startTimer: (command) =>
      commands.push({
        kind: 'timer',
        ordinal: Number(command.timerId.slice(1)),
        name: `${command.durationMs}ms`,
      }),
    cancelTimer: () => undefined,
    cancelDelivered: () => undefined,
    sendSignal: (targetWorkflowId, name) =>
      commands.push({ kind: 'signal-send', ordinal: 0, name: `${targetWorkflowId}:${name}` }),
    startChild: (command) => {
      commands.push({ kind: 'child', ordinal: command.childOrdinal, name: command.def.name });
      return '';
    },
  };
}
