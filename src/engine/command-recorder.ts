import type { EventBody, HistoryEvent } from '../core/index.js';
import { resolveActivityOptions } from '../activities/index.js';
import type {
  ActivityCommand,
  ChildCommand,
  ExecutionHost,
  OutstandingActivity,
  TimerCommand,
  WorkLedger,
} from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import type { EngineCore } from './engine-core.js';

/** What a run host lends the commands of its current execution. */
export interface CommandTarget {
  readonly core: EngineCore;
  /** The current ledger (each incarnation rebuilds it). */
  ledger(): WorkLedger;
  /** False once the execution is stale (crashed, replaced or detached). */
  isCurrent(): boolean;
  record(body: EventBody, extra?: RunAppend): HistoryEvent;
  /** Starts (or queues behind recovered ones) the first attempt of an activity scheduled at `seq`. */
  activityScheduled(activity: OutstandingActivity, seq: number): void;
  startChild(command: ChildCommand, current: boolean): string;
  /** Cancels the work of the activities whose awaits a cancellation rejected. */
  cancelActivities(activityIds: readonly number[]): void;
}

/**
 * The {@link ExecutionHost} an execution drives: turns each live command
 * into its recorded event and live work. Commands from a stale execution
 * (its run crashed or was suspended) are ignored, so they can never record.
 */
export function commandRecorder(target: CommandTarget): ExecutionHost {
  const { core } = target;
  return {
    now: () => core.clock.now(),
    yieldToMicrotasks: () => core.yieldToMicrotasks(),
    checkActivity(def, options) {
      core.registry.activity(def.name);
      resolveActivityOptions(def.options, options);
    },
    checkChild(def) {
      core.registry.workflow(def.name);
    },
    scheduleActivity(command: ActivityCommand) {
      if (!target.isCurrent()) return;
      core.registry.activity(command.def.name);
      const options = resolveActivityOptions(command.def.options, command.options);
      const scheduled = target.record({
        type: 'ActivityScheduled',
        activityId: command.activityId,
        activityType: command.def.name,
        input: command.input,
        options,
      });
      const activity = target.ledger().activities.get(command.activityId);
      if (activity !== undefined) target.activityScheduled(activity, scheduled.seq);
    },
    startTimer(command: TimerCommand) {
      if (!target.isCurrent()) return;
      target.record({
        type: 'TimerStarted',
        timerId: command.timerId,
        fireAt: core.clock.now() + command.durationMs,
        kind: command.kind,
        durationMs: command.durationMs,
      });
    },
    cancelTimer(timerId: string) {
      const timer = target.ledger().timers.get(timerId);
      if (!target.isCurrent() || timer === undefined) return;
      target.record({ type: 'TimerCancelled', timerId, fireAt: timer.fireAt });
    },
    sendSignal(targetWorkflowId: string, name: string, payload: unknown) {
      if (!target.isCurrent()) return;
      target.record({ type: 'SignalSent', targetWorkflowId, name, payload });
    },
    startChild: (command: ChildCommand) => target.startChild(command, target.isCurrent()),
    cancelDelivered(activityIds: readonly number[]) {
      if (target.isCurrent()) target.cancelActivities(activityIds);
    },
  };
}
