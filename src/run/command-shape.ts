import type { HistoryEvent } from '../core/index.js';
import { isWorkflowTimer } from './timer-ids.js';

/**
 * What replay compares: the kind of a command, its per-kind ordinal and the
 * name that identifies it (activity type, timer duration, child type, signal
 * target and name).
 */
export interface CommandShape {
  readonly kind: 'activity' | 'timer' | 'child' | 'signal-send';
  readonly ordinal: number;
  readonly name: string;
}

/** The command shape a recorded event stands for, or `undefined` for non-commands. */
export function shapeOfEvent(event: HistoryEvent): CommandShape | undefined {
  switch (event.type) {
    case 'ActivityScheduled':
      return { kind: 'activity', ordinal: event.activityId, name: event.activityType };
    case 'TimerStarted':
      return isWorkflowTimer(event.timerId)
        ? { kind: 'timer', ordinal: Number(event.timerId.slice(1)), name: `${event.durationMs}ms` }
        : undefined;
    case 'ChildWorkflowStarted':
      return { kind: 'child', ordinal: event.childOrdinal, name: event.workflowType };
    case 'SignalSent':
      return { kind: 'signal-send', ordinal: 0, name: `${event.targetWorkflowId}:${event.name}` };
    default:
      return undefined;
  }
}

/** True when two shapes describe the same command. */
export function sameShape(a: CommandShape, b: CommandShape): boolean {
  return a.kind === b.kind && a.ordinal === b.ordinal && a.name === b.name;
}

/** A readable form for error messages, e.g. `activity #2 chargeCard`. */
export function describeShape(shape: CommandShape | undefined): string {
  if (shape === undefined) return 'nothing';
  return shape.kind === 'signal-send'
    ? `signal-send ${shape.name}`
    : `${shape.kind} #${shape.ordinal} ${shape.name}`;
}
