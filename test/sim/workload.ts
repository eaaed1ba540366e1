import type { Prng } from './prng.js';
import { SIGNAL_NAMES } from './script.js';
import type { ActivityProfile, FlowInput, Op } from './script.js';

/** What the simulator does next to the engine. */
export type ActionKind =
  | 'start'
  | 'signalWithStart'
  | 'signal'
  | 'query'
  | 'cancel'
  | 'terminate'
  | 'time'
  | 'idle'
  | 'crash'
  | 'reopen';

/** How often each action is drawn, relative to the others. */
export const ACTION_WEIGHTS: Readonly<Record<ActionKind, number>> = {
  start: 10,
  signalWithStart: 3,
  signal: 16,
  query: 7,
  cancel: 3,
  terminate: 2,
  time: 30,
  idle: 12,
  crash: 3,
  reopen: 1,
};

/** How far a `time` action moves the clock. */
export type TimeJump = 'next' | 'tiny' | 'small' | 'large';

const SLEEPS = [0, 10, 250, 2_000, 30_000, 600_000, 3_600_000] as const;
const SIGNAL_TIMEOUTS = [500, 5_000, 120_000, 86_400_000] as const;

/** Draws one activity profile: retries, attempt timeout and sometimes a heartbeat timeout. */
export function drawProfile(prng: Prng): ActivityProfile {
  const base = {
    maxAttempts: prng.between(1, 4),
    initialIntervalMs: prng.pick([50, 500, 3_000]),
    timeoutMs: prng.pick([800, 2_500, 10_000]),
  };
  return prng.chance(0.25) ? { ...base, heartbeatTimeoutMs: prng.pick([300, 900]) } : base;
}

/** Draws a script for a run at `depth` (0 for roots); keys are unique under `prefix`. */
export function drawScript(prng: Prng, depth: number, prefix: string): Op[] {
  const length = prng.between(1, depth === 0 ? 7 : 4);
  const ops: Op[] = [];
  let continues = 0;
  for (let i = 0; i < length; i++) {
    const key = `${prefix}.${i}`;
    const kind = prng.weighted({
      activity: 26,
      parallel: 6,
      race: 5,
      sleep: 12,
      timerCancel: 4,
      signal: 16,
      child: depth < 2 ? 8 : 0,
      notify: depth > 0 ? 6 : 0,
      entropy: 4,
      continueAsNew: continues < 2 ? 4 : 0,
      fail: 1.5,
      boom: 2,
    });
    ops.push(drawOp(prng, kind, depth, key));
    if (kind === 'continueAsNew') continues++;
  }
  return ops;
}

function drawOp(prng: Prng, kind: Op['op'], depth: number, key: string): Op {
  switch (kind) {
    case 'activity':
      return { op: 'activity', key, profile: drawProfile(prng) };
    case 'parallel':
      return {
        op: 'parallel',
        keys: Array.from({ length: prng.between(2, 3) }, (_, i) => `${key}.${i}`),
        profile: drawProfile(prng),
      };
    case 'race':
      return { op: 'race', key, profile: drawProfile(prng), ms: prng.pick([300, 1_500, 8_000]) };
    case 'sleep':
      return { op: 'sleep', ms: prng.pick(SLEEPS) };
    case 'timerCancel':
      return { op: 'timerCancel', ms: prng.pick([1_000, 60_000]), sleepMs: prng.pick([0, 200]) };
    case 'signal': {
      const name = prng.pick(SIGNAL_NAMES);
      return prng.chance(0.5)
        ? { op: 'signal', name }
        : { op: 'signal', name, timeoutMs: prng.pick(SIGNAL_TIMEOUTS) };
    }
    case 'child':
      return {
        op: 'child',
        script: drawScript(prng, depth + 1, `${key}c`),
        policy: prng.pick(['terminate', 'cancel', 'abandon'] as const),
        wait: prng.chance(0.6),
        catchCancel: prng.chance(0.3),
      };
    case 'notify':
      return { op: 'notify', name: prng.pick(SIGNAL_NAMES) };
    case 'entropy':
      return { op: 'entropy' };
    case 'continueAsNew':
      return { op: 'continueAsNew' };
    case 'fail':
      return { op: 'fail' };
    case 'boom':
      return { op: 'boom', times: prng.pick([1, 2, 6]) };
  }
}

/** Draws the input of a new root run. */
export function drawRootInput(prng: Prng, prefix: string): FlowInput {
  return { script: drawScript(prng, 0, prefix), catchCancel: prng.chance(0.3), generation: 0 };
}

/** Draws how far a `time` action moves the clock. */
export function drawTimeJump(prng: Prng): TimeJump {
  return prng.weighted({ next: 5, tiny: 3, small: 3, large: 1 });
}
