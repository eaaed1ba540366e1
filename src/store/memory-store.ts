import { EngineClosedError, ErrorCode, StoreError, assertValidId } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { planCommit } from './commit-plan.js';
import type { CommitPlan } from './commit-plan.js';
import type {
  CommitResult,
  CorruptionListener,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from './event-store.js';
import { INDEX_NAMES } from './index-changes.js';
import type { IndexName } from './index-changes.js';
import { historyKey, runKey } from './key-codec.js';
import { assertRunIds, seqRange } from './read-args.js';
import { decodeHistory } from './record-codec.js';
import { decodeSummary, encodeSummary, summarySlot } from './summary-codec.js';
import * as listQueries from './list-queries.js';
import * as timerQueries from './timer-queries.js';
import type { StoreReader } from './store-reader.js';
import { SortedMap } from './sorted-map.js';

/**
 * The tables behind a {@link MemoryStore}, laid out like LevelStore's
 * sublevels, with the same keys and msgpackr-encoded values. Hand them to a
 * new MemoryStore to simulate reopening after a close or a crash.
 */
export interface MemoryStoreData {
  readonly history: SortedMap<Uint8Array>;
  readonly runs: SortedMap<Uint8Array>;
  readonly indexes: Readonly<Record<IndexName, SortedMap<string>>>;
  /** The open store holding these tables, if any (the in-memory "lock"). */
  holder: MemoryStore | undefined;
}

/** Creates empty {@link MemoryStoreData}. */
export function createMemoryStoreData(): MemoryStoreData {
  const indexes = {} as Record<IndexName, SortedMap<string>>;
  for (const name of INDEX_NAMES) indexes[name] = new SortedMap<string>();
  return { history: new SortedMap(), runs: new SortedMap(), indexes, holder: undefined };
}

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /** Tables of a previous store (see {@link MemoryStore.data}); fresh ones by default. */
  readonly data?: MemoryStoreData;
  /**
   * Fault-injection hook called with each valid commit just before it is
   * applied: throwing fails the commit with `STORE_WRITE_FAILED` (the thrown
   * value as `cause`) and nothing is written.
   */
  readonly beforeWrite?: (appends: readonly RunAppend[]) => void;
}

/**
 * The in-memory {@link EventStore}: the reference implementation of the
 * contract, for tests. It plans commits with the same code as LevelStore and
 * stores encoded bytes, so payloads round-trip exactly as they would on disk
 * and callers never share objects with the store.
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * store.failNextCommit(new Error('disk full')); // the next commit rejects
 * const reopened = (await store.close(), new MemoryStore({ data: store.data }));
 * ```
 */
export class MemoryStore implements EventStore {
  /** The tables; pass them to a new MemoryStore to reopen. */
  readonly data: MemoryStoreData;
  readonly #beforeWrite: MemoryStoreOptions['beforeWrite'];
  readonly #failures: unknown[] = [];
  #closed = false;
  readonly #stats = { commits: 0, events: 0, failedCommits: 0 };

  /**
   * @throws StoreError `STORE_LOCKED` when `options.data` is held by an open store.
   */
  constructor(options: MemoryStoreOptions = {}) {
    const data = options.data ?? createMemoryStoreData();
    if (data.holder !== undefined) {
      throw new StoreError(ErrorCode.STORE_LOCKED, 'these tables are held by an open MemoryStore');
    }
    data.holder = this;
    this.data = data;
    this.#beforeWrite = options.beforeWrite;
  }

  /**
   * Makes the next valid commit fail with `STORE_WRITE_FAILED` (with `cause`),
   * writing nothing. Calls accumulate: two calls fail the next two commits.
   */
  failNextCommit(cause: unknown = new Error('injected write failure')): void {
    this.#failures.push(cause);
  }

  /** Counters of acknowledged and failed commits. */
  stats(): { commits: number; events: number; failedCommits: number } {
    return { ...this.#stats };
  }

  commit(appends: readonly RunAppend[]): Promise<CommitResult> {
    return settle(() => {
      this.#assertOpen();
      const plan = planCommit(appends, (key) => this.#head(key));
      this.#injectFailure(appends);
      this.#apply(plan);
      this.#stats.commits++;
      this.#stats.events += plan.historyKeys.length;
      return { summaries: plan.runs.map((run) => run.summary) };
    });
  }

  #injectFailure(appends: readonly RunAppend[]): void {
    let cause: unknown;
    let failed = false;
    if (this.#failures.length > 0) {
      failed = true;
      cause = this.#failures.shift();
    } else if (this.#beforeWrite !== undefined) {
      try {
        this.#beforeWrite(appends);
      } catch (error) {
        failed = true;
        cause = error;
      }
    }
    if (!failed) return;
    this.#stats.failedCommits++;
    throw new StoreError(ErrorCode.STORE_WRITE_FAILED, 'the store could not write the commit', {
      cause,
    });
  }

  #head(key: string): RunSummary | undefined {
    const bytes = this.data.runs.get(key);
    return bytes === undefined ? undefined : decodeSummary(key, bytes);
  }

  /** Applies a plan in the order LevelStore's batch holds it; cannot fail halfway. */
  #apply(plan: CommitPlan): void {
    const { history, runs, indexes } = this.data;
    plan.historyKeys.forEach((key, i) => history.set(key, plan.historyValues[i] as Uint8Array));
    for (const op of plan.indexOps) {
      if (op.op === 'put') indexes[op.index].set(op.key, op.value);
      else indexes[op.index].delete(op.key);
    }
    for (const run of plan.runs) runs.set(run.key, encodeSummary(run.summary));
  }

  readHistory(
    workflowId: string,
    runId: string,
    fromSeq?: number,
    toSeq?: number,
  ): Promise<HistoryEvent[]> {
    return settle(() => {
      this.#assertOpen();
      assertRunIds(workflowId, runId);
      const range = seqRange(fromSeq, toSeq);
      if (range === undefined) return [];
      const entries = this.data.history.range({
        gte: historyKey(workflowId, runId, range.from),
        lte: historyKey(workflowId, runId, range.to),
      });
      return decodeHistory(entries, workflowId, runId, range.from);
    });
  }

  getRun(workflowId: string, runId: string): Promise<RunSummary | undefined> {
    return settle(() => {
      this.#assertOpen();
      assertRunIds(workflowId, runId);
      return this.#head(runKey(workflowId, runId));
    });
  }

  getLatestRunId(workflowId: string): Promise<string | undefined> {
    return settle(() => {
      this.#assertOpen();
      assertValidId(workflowId, 'workflowId');
      return this.data.indexes.latest.get(workflowId);
    });
  }

  async listNonTerminal(onCorrupt?: CorruptionListener): Promise<RunSummary[]> {
    return listQueries.listNonTerminal(this.#reader(), onCorrupt);
  }

  async dueTimers(
    upTo: number,
    limit?: number,
    after?: TimerEntry,
    onCorrupt?: CorruptionListener,
  ): Promise<TimerEntry[]> {
    return timerQueries.dueTimers(this.#reader(), upTo, limit, after, onCorrupt);
  }

  async nextTimers(limit: number, onCorrupt?: CorruptionListener): Promise<TimerEntry[]> {
    return timerQueries.nextTimers(this.#reader(), limit, onCorrupt);
  }

  async listRuns(filter?: ListFilter, onCorrupt?: CorruptionListener): Promise<ListPage> {
    return listQueries.listRuns(this.#reader(), filter, onCorrupt);
  }

  /** Closes the store and releases its tables for a new MemoryStore. Idempotent. */
  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      if (this.data.holder === this) this.data.holder = undefined;
    }
    return Promise.resolve();
  }

  #assertOpen(): void {
    if (this.#closed) throw new EngineClosedError();
  }

  #reader(): StoreReader {
    this.#assertOpen();
    const { indexes } = this.data;
    return {
      indexEntries: (index, range) => settle(() => indexes[index].range(range)),
      summaries: (keys) =>
        settle(() =>
          keys.map((key) => {
            const bytes = this.data.runs.get(key);
            return bytes === undefined ? undefined : summarySlot(key, bytes);
          }),
        ),
    };
  }
}

/** Runs `fn` and turns its result or exception into a promise. */
function settle<T>(fn: () => T): Promise<T> {
  // A throw inside the executor rejects the promise.
  return new Promise<T>((resolve) => resolve(fn()));
}
