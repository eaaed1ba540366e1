import type { HistoryEvent, RunRef, StoreError, WorkflowStatus } from '../core/index.js';
import type { AdmissionRelease } from './write-admission.js';

/**
 * The cached projection of one run's history, written in the same batch as
 * the events that change it.
 */
export interface RunSummary {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly status: WorkflowStatus;
  /** `recordedAt` of `WorkflowStarted`. */
  readonly startedAt: number;
  /** `recordedAt` of the terminal event. */
  readonly closedAt?: number;
  readonly parent?: RunRef;
  readonly previousRunId?: string;
  readonly nextRunId?: string;
  /** The seq of the last event: the head a writer must name to append. */
  readonly historyLength: number;
  readonly version: number;
  /** Activities scheduled and neither completed, finally failed nor cancelled. */
  readonly pendingActivities: number;
  /** Timers started and neither fired nor cancelled. */
  readonly pendingTimers: number;
  /** The type of the latest event: recovery uses it to decide what to wake. */
  readonly lastEventType: HistoryEvent['type'];
}

/** Events to append to one run, checked against its current head. */
export interface RunAppend {
  readonly workflowId: string;
  readonly runId: string;
  /**
   * The seq of the run's last event before this append (0 for a new run).
   * A mismatch rejects the whole commit with `SEQUENCE_CONFLICT`.
   */
  readonly expectedSeq: number;
  /** Events with seq `expectedSeq + 1`, `+ 2`, ... in order. */
  readonly events: readonly HistoryEvent[];
}

/** What a successful commit returns: each run's new summary, in request order. */
export interface CommitResult {
  readonly summaries: readonly RunSummary[];
}

/** An entry of the due-timer index. */
export interface TimerEntry {
  readonly fireAt: number;
  readonly workflowId: string;
  readonly runId: string;
  readonly timerId: string;
}

/** Filter and page for {@link EventStore.listRuns}. */
export interface ListFilter {
  readonly status?: WorkflowStatus;
  readonly workflowType?: string;
  /** Inclusive lower bound on `startedAt`. */
  readonly startedAfter?: number;
  /** Exclusive upper bound on `startedAt`. */
  readonly startedBefore?: number;
  /** @default 100 */
  readonly limit?: number;
  /** The `next` of a previous page. */
  readonly cursor?: string;
}

/** One page of runs, newest first; `next` is set when more remain. */
export interface ListPage {
  readonly items: readonly RunSummary[];
  readonly next?: string;
}

/**
 * Receives each damaged record that a tolerant read skipped: a
 * `STORE_CORRUPT` {@link StoreError} whose `details.key` names the record
 * and whose `details.workflowId` / `details.runId` name its run when the key
 * still tells. Reads that take one go on past damaged records; without one
 * they reject with the first.
 */
export type CorruptionListener = (error: StoreError) => void;

/** `'sync'`: fsync each batch before acknowledging. `'relaxed'`: no fsync. */
export type Durability = 'sync' | 'relaxed';

/**
 * The persistence contract between the engine and a store (SPEC section 2).
 *
 * Writes go through {@link EventStore.commit} only; a commit is atomic across
 * every run it names, and derives the run summaries and every index (latest
 * run, non-terminal runs, due timers, status and type listings) from its
 * events in the same batch. Implementations group concurrent commits into one
 * durable write, and acknowledge none before that write is durable.
 */
export interface EventStore {
  /**
   * Appends events to one or more runs atomically.
   *
   * @throws StoreError `SEQUENCE_CONFLICT` (nothing written) when a run's head
   * is not `expectedSeq`; `STORE_WRITE_FAILED` when the write failed (nothing
   * written); `ENGINE_CLOSED` after close.
   */
  commit(appends: readonly RunAppend[]): Promise<CommitResult>;

  /**
   * Optional backpressure. The engine awaits it before a write that comes
   * from outside its running runs (`start`, `signalWithStart`, a user's
   * `signal`), and calls the release once that write no longer needs room:
   * a start right after handing its commit to {@link EventStore.commit}, a
   * signal once it is durable (it rides in its run's next append). A store
   * with a bounded queue resolves it once there is room; a store without
   * one omits the method.
   */
  admit?(): Promise<AdmissionRelease>;

  /**
   * Events of one run with `fromSeq <= seq <= toSeq`, in order; `[]` for an
   * unknown run.
   *
   * @throws StoreError `STORE_CORRUPT` when an event in the range cannot be
   * decoded, or a key in it is damaged or missing (a gap in the seqs).
   */
  readHistory(
    workflowId: string,
    runId: string,
    fromSeq?: number,
    toSeq?: number,
  ): Promise<HistoryEvent[]>;

  /** The summary of one run, or `undefined`; `STORE_CORRUPT` when it cannot be decoded. */
  getRun(workflowId: string, runId: string): Promise<RunSummary | undefined>;

  /** The run id of the latest run of a workflow id, or `undefined`. */
  getLatestRunId(workflowId: string): Promise<string | undefined>;

  /** Every run whose status is `running` (the recovery index). */
  listNonTerminal(onCorrupt?: CorruptionListener): Promise<RunSummary[]>;

  /**
   * Timer entries with `fireAt <= upTo`, in `fireAt` order, at most `limit`,
   * starting after `after` when given (a cursor for reading a long due list
   * in pages).
   */
  dueTimers(
    upTo: number,
    limit?: number,
    after?: TimerEntry,
    onCorrupt?: CorruptionListener,
  ): Promise<TimerEntry[]>;

  /** The `limit` earliest timer entries, in `fireAt` order. */
  nextTimers(limit: number, onCorrupt?: CorruptionListener): Promise<TimerEntry[]>;

  /** Runs by status, type and start time, newest first, with a cursor. */
  listRuns(filter?: ListFilter, onCorrupt?: CorruptionListener): Promise<ListPage>;

  /** Flushes queued commits and releases the store. Idempotent. */
  close(): Promise<void>;
}
