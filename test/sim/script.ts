import type { ParentClosePolicy } from '../../src/index.js';

/**
 * The little language of simulated workflows. The workload generator draws
 * a script per run from the seed; the one simulated workflow interprets it,
 * so every run is deterministic code whose shape the seed decides.
 */

/** Signal names the simulation uses. */
export const SIGNAL_NAMES = ['a', 'b'] as const;
export type SignalName = (typeof SIGNAL_NAMES)[number];

/** Retry and timeout options of one activity call. */
export interface ActivityProfile {
  readonly maxAttempts: number;
  readonly initialIntervalMs: number;
  readonly timeoutMs: number;
  readonly heartbeatTimeoutMs?: number;
}

/** One step of a simulated workflow. */
export type Op =
  | { readonly op: 'activity'; readonly key: string; readonly profile: ActivityProfile }
  /** Activities scheduled together and awaited with `Promise.all`. */
  | { readonly op: 'parallel'; readonly keys: readonly string[]; readonly profile: ActivityProfile }
  /** `ctx.withTimeout(activity, ms)`: the activity races a durable timer. */
  | {
      readonly op: 'race';
      readonly key: string;
      readonly profile: ActivityProfile;
      readonly ms: number;
    }
  | { readonly op: 'sleep'; readonly ms: number }
  /** Starts a cancellable timer, sleeps `sleepMs`, then cancels it. */
  | { readonly op: 'timerCancel'; readonly ms: number; readonly sleepMs: number }
  | { readonly op: 'signal'; readonly name: SignalName; readonly timeoutMs?: number }
  /** A child run: awaited at once (`wait`), or started and awaited at the end of the script. */
  | {
      readonly op: 'child';
      readonly script: readonly Op[];
      readonly policy: ParentClosePolicy;
      readonly wait: boolean;
      readonly catchCancel: boolean;
    }
  /** `ctx.signalWorkflow` to the parent (no-op for a root run). */
  | { readonly op: 'notify'; readonly name: SignalName }
  /** `ctx.now()`, `ctx.random()`, `ctx.uuid()`, logged. */
  | { readonly op: 'entropy' }
  /** Continue as new with the rest of the script. */
  | { readonly op: 'continueAsNew' }
  /** Throws an `ApplicationError`: the run fails. */
  | { readonly op: 'fail' }
  /** Throws a plain `Error` the first `times` times it is reached: a crash the supervisor restarts. */
  | { readonly op: 'boom'; readonly times: number };

/** The input of the simulated workflow. */
export interface FlowInput {
  readonly script: readonly Op[];
  /** On cancellation: run a compensation activity and complete, instead of ending cancelled. */
  readonly catchCancel: boolean;
  /** The workflow id of the parent run, for `notify`. */
  readonly parentId?: string;
  /** What the previous run of a continue-as-new chain received (read by the checks). */
  readonly prevLog?: readonly LogEntry[];
  /** How many continue-as-new links precede this run. */
  readonly generation: number;
}

/** Something the workflow code received, in the order it received it. */
export type LogEntry =
  | { readonly k: 'act'; readonly n: number; readonly r: unknown }
  | { readonly k: 'actErr'; readonly n: number; readonly code: string }
  | { readonly k: 'race'; readonly n: number; readonly won: 'activity' | 'timer' }
  | { readonly k: 'sig'; readonly name: string; readonly sid: string }
  | { readonly k: 'sigTimeout'; readonly name: string }
  | {
      readonly k: 'child';
      readonly id: string;
      readonly ok: boolean;
      readonly r?: unknown;
      readonly code?: string;
    }
  | { readonly k: 'entropy'; readonly t: number; readonly v: number; readonly u: string }
  | { readonly k: 'cancelled' };

/** What a simulated run returns, and what its `state` query answers. */
export interface FlowState {
  readonly log: readonly LogEntry[];
  /** What the code awaits now, e.g. `signal:a`, `child:<id>`, `activity`, `done`. */
  readonly waiting: string;
}

/** The payload of every simulated signal: a unique id. */
export interface SignalPayload {
  readonly sid: string;
}
