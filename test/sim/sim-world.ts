import type { Clock } from '../../src/index.js';
import { unitHash } from './prng.js';

/** What one attempt of the simulated activity does, decided by the seed. */
export type Behaviour =
  | { readonly kind: 'ok'; readonly ms: number }
  | { readonly kind: 'fail'; readonly ms: number }
  | { readonly kind: 'fatal'; readonly ms: number }
  | { readonly kind: 'hang' };

/** One execution of an activity attempt, as the world saw it. */
export interface AttemptRecord {
  /** `actx.idempotencyKey`: `${workflowId}/${runId}/${activityId}`. */
  readonly key: string;
  readonly attempt: number;
  readonly incarnation: number;
  readonly behaviour: Behaviour;
  /** Set when the function returned: exactly the value it returned. */
  returned?: unknown;
  /** Set when the function threw (or was aborted). */
  threw?: string;
  finished: boolean;
}

/**
 * Decides an attempt's behaviour from (seed, activity key, attempt) only: a
 * seeded function, so an attempt repeated after a crash behaves the same.
 */
export function behaviourOf(seed: number, key: string, attempt: number): Behaviour {
  const roll = unitHash(seed, key, attempt, 'kind');
  const ms = Math.floor(unitHash(seed, key, attempt, 'ms') * 2_000);
  if (roll < 0.55) return { kind: 'ok', ms };
  if (roll < 0.8) return { kind: 'fail', ms };
  if (roll < 0.87) return { kind: 'fatal', ms };
  return { kind: 'hang' };
}

/**
 * The world outside the engine that simulated activities and workflows
 * touch: the clock of the current incarnation, the log of every attempt
 * executed, and the counters behind scripted workflow crashes.
 */
export class SimWorld {
  readonly seed: number;
  /** The clock port of the current incarnation; a crash detaches the old one. */
  clock: Clock;
  /** Increases at every crash; attempts remember the one they ran in. */
  incarnation = 0;
  /** While true (replay checks), scripted crashes stay silent. */
  checking = false;
  readonly #attempts = new Map<string, AttemptRecord[]>();
  readonly #booms = new Map<string, number>();
  #executions = 0;

  constructor(seed: number, clock: Clock) {
    this.seed = seed;
    this.clock = clock;
  }

  /** How many attempts were executed in all. */
  get executions(): number {
    return this.#executions;
  }

  /** Records the start of an attempt and returns its record. */
  beginAttempt(key: string, attempt: number, behaviour: Behaviour): AttemptRecord {
    const record: AttemptRecord = {
      key,
      attempt,
      incarnation: this.incarnation,
      behaviour,
      finished: false,
    };
    const list = this.#attempts.get(key) ?? [];
    list.push(record);
    this.#attempts.set(key, list);
    this.#executions++;
    return record;
  }

  /** Every execution of one activity scheduling (all attempts, all incarnations). */
  attemptsOf(key: string): readonly AttemptRecord[] {
    return this.#attempts.get(key) ?? [];
  }

  /** How often this attempt was executed before (for results that tell executions apart). */
  priorExecutions(key: string, attempt: number): number {
    return this.attemptsOf(key).filter((record) => record.attempt === attempt).length;
  }

  /** How often a run's code arrived at a `boom` step. */
  booms(runId: string, pc: number): number {
    return this.#booms.get(`${runId}:${pc}`) ?? 0;
  }

  /** Counts one arrival of a run's code at a `boom` step; returns the count so far. */
  boom(runId: string, pc: number): number {
    const key = `${runId}:${pc}`;
    const count = (this.#booms.get(key) ?? 0) + 1;
    this.#booms.set(key, count);
    return count;
  }

  /**
   * Waits `ms` of virtual time on the given clock, rejecting with the abort
   * reason if `signal` aborts first.
   */
  static sleep(clock: Clock, ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason as Error);
        return;
      }
      const onAbort = (): void => {
        cancel();
        reject(signal.reason as Error);
      };
      const cancel = clock.schedule(clock.now() + ms, () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      });
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
