/** Counters of one simulated seed (and, summed, of many). */
export interface SimStats {
  seeds: number;
  steps: number;
  crashes: number;
  /** Clean restarts: `close()`, then a new engine on the same store. */
  reopens: number;
  /** Runs in the final store. */
  runs: number;
  /** Runs that ended (one terminal event each). */
  ended: number;
  starts: number;
  /** Signals sent with `signal()` / `signalWithStart()`. */
  signalsSent: number;
  /** Of those, acknowledged (the call resolved). */
  signalsAcked: number;
  /** Acknowledged signals recorded nowhere at the end (must stay 0). */
  signalsLost: number;
  queries: number;
  cancels: number;
  terminations: number;
  /** Outcome notices emitted (one per acknowledged terminal event). */
  outcomes: number;
  /** Second notices for one run (must stay 0). */
  duplicatedOutcomes: number;
  /** Activity attempts executed, re-executions after crashes included. */
  activityExecutions: number;
  commitsAcked: number;
  /** Unacknowledged commits a crash kept. */
  commitsKeptAtCrash: number;
  /** Unacknowledged commits a crash lost. */
  commitsLostAtCrash: number;
  /** Histories replayed against the code at the end. */
  replays: number;
}

/** An all-zero {@link SimStats}. */
export function emptyStats(): SimStats {
  return {
    seeds: 0,
    steps: 0,
    crashes: 0,
    reopens: 0,
    runs: 0,
    ended: 0,
    starts: 0,
    signalsSent: 0,
    signalsAcked: 0,
    signalsLost: 0,
    queries: 0,
    cancels: 0,
    terminations: 0,
    outcomes: 0,
    duplicatedOutcomes: 0,
    activityExecutions: 0,
    commitsAcked: 0,
    commitsKeptAtCrash: 0,
    commitsLostAtCrash: 0,
    replays: 0,
  };
}

/** Adds `b` into `a`. */
export function addStats(a: SimStats, b: SimStats): void {
  for (const key of Object.keys(a) as Array<keyof SimStats>) a[key] += b[key];
}

/** What one seed gave. */
export interface SimResult {
  readonly seed: number;
  readonly steps: number;
  /** Empty when every invariant held. */
  readonly problems: readonly string[];
  /** sha256 of the trace and the durable tables: the same seed gives the same digest. */
  readonly digest: string;
  readonly stats: SimStats;
  /** The last lines of the trace, for a failure report. */
  readonly traceTail: readonly string[];
}

/** The one-line command that replays a seed. */
export function replayCommand(seed: number, steps: number): string {
  return `npm run sim -- --seed ${seed} --steps ${steps}`;
}
