import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import type { AttemptResult } from '../activities/index.js';
import { parseRetryTimer } from '../run/index.js';
import type {
  AttemptOutput,
  AttemptRun,
  AttemptSpawn,
  OutstandingActivity,
  WorkLedger,
} from '../run/index.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './recorder.js';
import { runHostedAttempt } from './run-attempts.js';
import { cancelActivityBodies } from './run-ending.js';
import { attemptEvents, backoffTimer } from './run-events.js';
import type { RunActorPort } from './run-host.js';

/** What a run's activities need from their run host. */
export interface RunActivitiesPort {
  readonly core: EngineCore;
  readonly ref: RunRef;
  readonly recorder: Recorder;
  ledger(): WorkLedger;
  actor(): RunActorPort | undefined;
  record(body: EventBody): HistoryEvent;
  /** True while the run is live (its replay is over, it has not ended). */
  running(): boolean;
  ended(): boolean;
}

/** Activities in flight when a run's history was read, to restart once it runs. */
export interface RecoveredActivities {
  readonly inFlight: readonly OutstandingActivity[];
  readonly unarmed: readonly OutstandingActivity[];
}

/**
 * The attempts of one run's activities: which to start, when, and what
 * their results record. Every start waits until the events before its
 * scheduling are durable: no effect rests on what a crash could take back.
 */
export class RunActivities {
  readonly #port: RunActivitiesPort;
  #running = 0;
  /** Attempts waiting for the events before their scheduling to be durable. */
  #starting = 0;
  /** Attempts the code scheduled live while recovered ones wait to restart. */
  #deferred: OutstandingActivity[] | undefined;

  constructor(port: RunActivitiesPort) {
    this.#port = port;
  }

  /** Attempts running now. */
  get attemptsRunning(): number {
    return this.#running;
  }

  /**
   * True while an attempt runs or is about to start: a run with one is not
   * quiescent. An attempt whose start waits for durability is counted too:
   * suspended in that moment, the run would send the start to a stopped
   * actor and wait, its activity pending, for a wake-up that never comes.
   */
  get busy(): boolean {
    return this.#running > 0 || this.#starting > 0;
  }

  /**
   * Before replay: notes the activities in flight when history was read.
   * Those the code schedules live from now on start behind them, so that
   * work keeps its original order.
   */
  recovering(ledger: WorkLedger): RecoveredActivities {
    const inFlight = ledger.runnableActivities();
    this.#deferred = inFlight.length > 0 ? [] : undefined;
    return { inFlight, unarmed: ledger.unarmedBackoffs() };
  }

  /** Once live: arms lost retry backoffs and restarts recovered attempts. */
  resume(recovered: RecoveredActivities): void {
    const ledger = this.#port.ledger();
    for (const activity of recovered.unarmed) {
      const backoff = activity.unarmedBackoff;
      // A cancellation may have taken it while the run replayed.
      if (backoff === undefined || ledger.activities.get(activity.activityId) !== activity)
        continue;
      this.#port.record(
        backoffTimer(activity.activityId, activity.nextAttempt, backoff.fireAt, backoff.durationMs),
      );
    }
    const deferred = this.#deferred ?? [];
    this.#deferred = undefined;
    for (const activity of [...recovered.inFlight, ...deferred]) {
      if (ledger.activities.get(activity.activityId) === activity) this.start(activity);
    }
  }

  /** Recovery is over (live or ended): live schedules start at once. */
  recovered(): void {
    this.#deferred = undefined;
  }

  /** The code scheduled an activity, recorded at `seq`. */
  scheduled(activity: OutstandingActivity, seq: number): void {
    if (this.#deferred !== undefined) this.#deferred.push(activity);
    else this.#startAfter(activity, seq - 1);
  }

  /** Runs an attempt (called by the run actor's attempt child). */
  attempt(request: AttemptSpawn): AttemptRun {
    this.#running++;
    const { core, ref } = this.#port;
    const run = runHostedAttempt(core, ref, this.#port.ledger(), request);
    const output = run.output.finally(() => {
      this.#running--;
    });
    return { output, abort: run.abort };
  }

  /** Records an attempt's result, unless the attempt is stale. */
  attemptDone(output: AttemptOutput): void {
    const activity = this.#port.ledger().activities.get(output.activityId);
    if (activity === undefined || activity.nextAttempt !== output.attempt || this.#port.ended()) {
      return;
    }
    const result = output.result as AttemptResult;
    const now = this.#port.core.clock.now();
    for (const body of attemptEvents(activity, output.attempt, result, now))
      this.#port.record(body);
  }

  /** A durable `TimerFired`: a retry backoff that fired starts the next attempt. */
  timerFired(timerId: string): void {
    const retry = parseRetryTimer(timerId);
    if (retry === undefined) return;
    const activity = this.#port.ledger().activities.get(retry.activityId);
    if (activity !== undefined && this.#port.running()) this.start(activity);
  }

  /**
   * Cancellation aborts the in-flight attempts (`actx.signal`) of the
   * activities whose awaits it rejected when it reached the code, and
   * records them cancelled, retry backoffs included. It acts at that
   * delivery, live or in replay (the ledger is the rebuilt one by then), so
   * activities the code schedules after it sees the cancellation, a
   * compensation for one, are left to run.
   */
  cancelDelivered(activityIds: readonly number[]): void {
    for (const activityId of activityIds) {
      // Not in the ledger: it completed, failed or was cancelled already.
      const activity = this.#port.ledger().activities.get(activityId);
      if (activity === undefined) continue;
      this.stop(activity);
      for (const body of cancelActivityBodies(this.#port.ledger(), activity)) {
        this.#port.record(body);
      }
    }
  }

  start(activity: OutstandingActivity): void {
    this.#port.actor()?.send({
      type: 'ATTEMPT.START',
      request: { activityId: activity.activityId, attempt: activity.nextAttempt },
    });
  }

  stop(activity: OutstandingActivity): void {
    this.#port.actor()?.send({
      type: 'ATTEMPT.STOP',
      activityId: activity.activityId,
      attempt: activity.nextAttempt,
    });
  }

  /**
   * Starts an attempt once every event before its scheduling is durable: the
   * code may have scheduled it on a completion that is not durable yet.
   */
  #startAfter(activity: OutstandingActivity, seq: number): void {
    const recorder = this.#port.recorder;
    if (seq <= recorder.durableHead) {
      this.start(activity);
      return;
    }
    this.#starting++;
    recorder.durable(seq).then(
      () => {
        this.#starting--;
        if (this.#port.ledger().activities.get(activity.activityId) === activity) {
          this.start(activity);
        }
      },
      () => {
        this.#starting--;
      },
    );
  }
}
