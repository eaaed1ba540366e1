/**
 * What is wrong with one record or run, as `verifyStore` reports it:
 *
 * - `undecodable-value`: a history event or run summary that does not
 *   decode, or decodes to something that is not one;
 * - `bad-key`: a key that is not a well-formed tuple of its sublevel (or
 *   not valid UTF-8, or outside every sublevel);
 * - `history-gap`: a run's seqs are not 1, 2, 3... up to the head its
 *   summary names (an event is missing);
 * - `history-invalid`: a history that no run could have recorded (not
 *   starting with `WorkflowStarted`, an event after the terminal one);
 * - `orphan-history`: history of a run that has no summary;
 * - `missing-history`: a summary whose run has no history;
 * - `summary-mismatch`: a summary that disagrees with the projection of
 *   its history;
 * - `dangling-index`: an index entry naming a run that does not exist;
 * - `stale-index`: an index entry that disagrees with its run (a
 *   non-terminal entry of an ended run, a timer entry of an ended run or of
 *   a timer that is not open, a listing under the wrong status, time or
 *   type);
 * - `missing-index`: an index entry the run needs is absent (a running run
 *   recovery will not find, an open timer that will never fire, a run
 *   missing from listings).
 */
export type StoreProblemKind =
  | 'undecodable-value'
  | 'bad-key'
  | 'history-gap'
  | 'history-invalid'
  | 'orphan-history'
  | 'missing-history'
  | 'summary-mismatch'
  | 'dangling-index'
  | 'stale-index'
  | 'missing-index';

/** One problem found by `verifyStore`. */
export interface StoreProblem {
  readonly kind: StoreProblemKind;
  /** The record, printable: `sublevel/part/part...` with control characters escaped. */
  readonly key: string;
  /** The run it belongs to, when known. */
  readonly workflowId?: string;
  readonly runId?: string;
  /** What is wrong, in one sentence. */
  readonly message: string;
}

/** What `verifyStore` found. */
export interface StoreVerification {
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Records read, of every sublevel. */
  readonly records: number;
  /** Run summaries read. */
  readonly runs: number;
  /** History events read. */
  readonly events: number;
  /** Problems found, in scan order, at most `maxProblems`. */
  readonly problems: readonly StoreProblem[];
  /** Every problem found, also those past `maxProblems`. */
  readonly problemCount: number;
  /** Distinct runs named by the problems. */
  readonly affectedRuns: number;
}

/** Options of `verifyStore`. */
export interface VerifyOptions {
  /**
   * The most problems listed; the count goes on past it.
   * @default 1000
   */
  readonly maxProblems?: number;
}

/** The run a problem belongs to, when known. */
export interface ProblemRun {
  readonly workflowId: string;
  readonly runId: string;
}

/** Collects problems and counts for one scan. */
export class ProblemLog {
  readonly problems: StoreProblem[] = [];
  records = 0;
  runs = 0;
  events = 0;
  #count = 0;
  readonly #max: number;
  readonly #affected = new Set<string>();

  constructor(maxProblems: number) {
    this.#max = maxProblems;
  }

  add(kind: StoreProblemKind, key: string, message: string, run?: ProblemRun): void {
    this.#count++;
    if (run !== undefined) this.#affected.add(`${run.workflowId}\u0000${run.runId}`);
    if (this.problems.length >= this.#max) return;
    this.problems.push({
      kind,
      key,
      ...(run === undefined ? {} : { workflowId: run.workflowId, runId: run.runId }),
      message,
    });
  }

  result(): StoreVerification {
    return {
      ok: this.#count === 0,
      records: this.records,
      runs: this.runs,
      events: this.events,
      problems: this.problems,
      problemCount: this.#count,
      affectedRuns: this.#affected.size,
    };
  }
}
