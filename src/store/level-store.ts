import { EngineClosedError, InvalidArgumentError, assertValidId } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { planCommit } from './commit-plan.js';
import type {
  CommitResult,
  CorruptionListener,
  Durability,
  EventStore,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from './event-store.js';
import { createBatchWriter } from './level-batch.js';
import type { BatchInfo } from './level-batch.js';
import { GroupCommitter } from './group-commit.js';
import type { GroupCommitStats } from './group-commit.js';
import { runKey } from './key-codec.js';
import { openLayout } from './level-layout.js';
import type { LevelLayout } from './level-layout.js';
import { levelReader, readLevelHistory, readLevelSummary } from './level-reader.js';
import { assertRunIds, seqRange } from './read-args.js';
import { decodeSummary } from './summary-codec.js';
import { RunCache } from './run-cache.js';
import { WriteAdmission } from './write-admission.js';
import type { AdmissionRelease } from './write-admission.js';
import * as listQueries from './list-queries.js';
import * as timerQueries from './timer-queries.js';
import type { StoreReader } from './store-reader.js';

/** Options of {@link LevelStore}; validated once, at construction. */
export interface LevelStoreOptions {
  /**
   * `'sync'` fsyncs every batch before acknowledging its commits; `'relaxed'`
   * does not (survives a process crash, not a power loss).
   * @default 'sync'
   */
  readonly durability?: Durability;
  /**
   * The most events one batch carries (a larger single commit still goes
   * alone): bounds how long a commit can wait behind others.
   * @default 1024
   */
  readonly maxBatchEvents?: number;
  /**
   * How many idle runs' heads to keep in memory for the expected-seq check.
   * @default 10000
   */
  readonly cacheRuns?: number;
  /**
   * Backpressure: once this many commits are pending (queued or being
   * written), writers from outside the engine's runs wait in
   * {@link LevelStore.admit} until batches drain. Appends of running runs
   * are never held (at most one per resident run is pending), so runs
   * always finish. See docs/storage.md, "Backpressure".
   * @default 4096
   */
  readonly maxPendingCommits?: number;
  /**
   * Test and fault-injection hook, awaited before each batch is written:
   * throwing or rejecting fails that batch exactly as a LevelDB write error
   * would (`STORE_WRITE_FAILED`, nothing written); delaying holds the batch
   * in flight while later commits queue.
   */
  readonly beforeWrite?: (batch: BatchInfo) => void | Promise<void>;
}

/** Counters of a {@link LevelStore}. */
export interface LevelStoreStats extends GroupCommitStats {
  /** Commits waiting for a batch. */
  readonly queued: number;
  /** Commits not yet durable: queued or in the batch being written. */
  readonly pending: number;
  /** The backpressure bound (`maxPendingCommits`). */
  readonly maxPendingCommits: number;
  /** Writers waiting in {@link LevelStore.admit} for room. */
  readonly waiting: number;
  /** The most writers that waited at once. */
  readonly peakWaiting: number;
  /** Runs whose heads are cached. */
  readonly cachedRuns: number;
}

/** What exists while the store is open. */
interface Live {
  readonly layout: LevelLayout;
  readonly cache: RunCache;
  readonly committer: GroupCommitter;
  readonly admission: WriteAdmission;
  readonly reader: StoreReader;
}

function positiveInteger(value: unknown, what: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    throw new InvalidArgumentError(`${what} must be an integer >= 1`, { details: { value } });
  }
  return value;
}

/** `ENGINE_CLOSED`: the store was closed, or `open()` was not called. */
function closedError(): EngineClosedError {
  return new EngineClosedError();
}

/**
 * The embedded {@link EventStore} on LevelDB (via `level`), with group commit.
 *
 * Create it with `new LevelStore(path, options)` and call
 * {@link LevelStore.open} before anything else, or use the static
 * `LevelStore.open(path, options)`. Calls before opening or after
 * {@link LevelStore.close} reject with `ENGINE_CLOSED`. A directory can be
 * open in one store at a time (`STORE_LOCKED`). docs/storage.md describes the
 * layout on disk.
 *
 * @example
 * ```ts
 * const store = await LevelStore.open('./.aion', { durability: 'sync' });
 * await store.commit([{ workflowId: 'w', runId, expectedSeq: 0, events: [started] }]);
 * await store.close();
 * ```
 */
export class LevelStore implements EventStore {
  /** The database directory. */
  readonly location: string;
  readonly #options: Required<Omit<LevelStoreOptions, 'beforeWrite'>> & {
    readonly beforeWrite: LevelStoreOptions['beforeWrite'] | undefined;
  };
  #live: Live | undefined;
  #opening: Promise<void> | undefined;
  #closing: Promise<void> | undefined;

  /**
   * @param location the database directory (created when missing).
   * @throws InvalidArgumentError for malformed options.
   */
  constructor(location: string, options: LevelStoreOptions = {}) {
    if (typeof location !== 'string' || location.length === 0) {
      throw new InvalidArgumentError('a LevelStore needs a directory path');
    }
    const durability = options.durability ?? 'sync';
    if (durability !== 'sync' && durability !== 'relaxed') {
      throw new InvalidArgumentError(`durability must be 'sync' or 'relaxed'`, {
        details: { durability },
      });
    }
    this.location = location;
    this.#options = {
      durability,
      maxBatchEvents: positiveInteger(options.maxBatchEvents, 'maxBatchEvents', 1024),
      cacheRuns: positiveInteger(options.cacheRuns, 'cacheRuns', 10_000),
      maxPendingCommits: positiveInteger(options.maxPendingCommits, 'maxPendingCommits', 4096),
      beforeWrite: options.beforeWrite,
    };
  }

  /**
   * Creates a store and opens it.
   *
   * @throws StoreError `STORE_LOCKED` when the directory is already open.
   */
  static async open(location: string, options?: LevelStoreOptions): Promise<LevelStore> {
    const store = new LevelStore(location, options);
    await store.open();
    return store;
  }

  /**
   * Opens the database. Idempotent; a closed store does not reopen (make a
   * new one on the same path).
   *
   * @throws StoreError `STORE_LOCKED` when another store holds the directory.
   */
  open(): Promise<void> {
    if (this.#closing !== undefined) return Promise.reject(closedError());
    this.#opening ??= this.#open();
    return this.#opening;
  }

  async #open(): Promise<void> {
    const layout = await openLayout(this.location);
    const { runs } = layout;
    const cache = new RunCache(this.#options.cacheRuns, (key) => {
      const bytes = runs.getSync(key);
      return bytes === undefined ? undefined : decodeSummary(key, bytes);
    });
    const write = createBatchWriter(layout, {
      sync: this.#options.durability === 'sync',
      beforeWrite: this.#options.beforeWrite,
    });
    const committer: GroupCommitter = new GroupCommitter(
      write,
      cache,
      this.#options.maxBatchEvents,
      () => admission.drained(),
    );
    const admission = new WriteAdmission(this.#options.maxPendingCommits, () => committer.pending);
    const live = { layout, cache, committer, admission, reader: levelReader(layout) };
    // close() may have been called while opening: it then closes what we opened.
    this.#live = live;
  }

  /** Counters: batches, commits and events written, queue, backpressure and cache sizes. */
  stats(): LevelStoreStats {
    const live = this.#live;
    const base = live?.committer.stats ?? {
      batches: 0,
      commits: 0,
      events: 0,
      failedBatches: 0,
      largestBatch: 0,
      peakPending: 0,
    };
    const admission = live?.admission.stats();
    return {
      ...base,
      queued: live?.committer.queued ?? 0,
      pending: live?.committer.pending ?? 0,
      maxPendingCommits: this.#options.maxPendingCommits,
      waiting: admission?.waiting ?? 0,
      peakWaiting: admission?.peakWaiting ?? 0,
      cachedRuns: live?.cache.size ?? 0,
    };
  }

  /**
   * Backpressure for a writer from outside the engine's runs (a start, a
   * user's signal): resolves once fewer than `maxPendingCommits` commits
   * are pending, in arrival order, with a release to call once the write
   * needs no room of its own: right after its commit was handed to
   * {@link LevelStore.commit}, or when it will not be. Admitted writers
   * count against the bound until they release.
   * Waiters are let through when the store closes; their commits then
   * reject with `ENGINE_CLOSED`.
   *
   * @throws EngineClosedError before open and once close began.
   * @example
   * ```ts
   * const release = await store.admit();
   * const written = store.commit(appends);
   * release();
   * await written;
   * ```
   */
  admit(): Promise<AdmissionRelease> {
    // Not async: an admission with room resolves without another promise.
    let live: Live;
    try {
      live = this.#use();
    } catch (error) {
      return Promise.reject(error);
    }
    return live.admission.admit();
  }

  commit(appends: readonly RunAppend[]): Promise<CommitResult> {
    // Everything up to enqueue runs synchronously in the executor (a throw
    // rejects): the plan is checked against the cached heads and reserved in
    // the same tick, so two commits naming one head cannot both pass.
    return new Promise<CommitResult>((resolve, reject) => {
      const { cache, committer } = this.#use();
      const plan = planCommit(appends, (key) => cache.head(key));
      cache.reserve(plan.runs);
      committer.enqueue({ plan, events: plan.historyKeys.length, resolve, reject });
    });
  }

  async readHistory(
    workflowId: string,
    runId: string,
    fromSeq?: number,
    toSeq?: number,
  ): Promise<HistoryEvent[]> {
    const { layout } = this.#use();
    assertRunIds(workflowId, runId);
    const range = seqRange(fromSeq, toSeq);
    if (range === undefined) return [];
    return readLevelHistory(layout, workflowId, runId, range.from, range.to);
  }

  async getRun(workflowId: string, runId: string): Promise<RunSummary | undefined> {
    const { layout, cache } = this.#use();
    assertRunIds(workflowId, runId);
    const key = runKey(workflowId, runId);
    // Only a head with nothing pending is durable; otherwise read the database.
    const cached = cache.durable(key);
    return cached !== null ? cached : readLevelSummary(layout, key);
  }

  async getLatestRunId(workflowId: string): Promise<string | undefined> {
    const { layout } = this.#use();
    assertValidId(workflowId, 'workflowId');
    return layout.indexes.latest.get(workflowId);
  }

  async listNonTerminal(onCorrupt?: CorruptionListener): Promise<RunSummary[]> {
    return listQueries.listNonTerminal(this.#use().reader, onCorrupt);
  }

  async dueTimers(
    upTo: number,
    limit?: number,
    after?: TimerEntry,
    onCorrupt?: CorruptionListener,
  ): Promise<TimerEntry[]> {
    return timerQueries.dueTimers(this.#use().reader, upTo, limit, after, onCorrupt);
  }

  async nextTimers(limit: number, onCorrupt?: CorruptionListener): Promise<TimerEntry[]> {
    return timerQueries.nextTimers(this.#use().reader, limit, onCorrupt);
  }

  async listRuns(filter?: ListFilter, onCorrupt?: CorruptionListener): Promise<ListPage> {
    return listQueries.listRuns(this.#use().reader, filter, onCorrupt);
  }

  /**
   * Stops accepting calls, lets queued commits finish (each resolves or
   * rejects), then closes the database and releases its lock. Idempotent.
   */
  close(): Promise<void> {
    this.#closing ??= this.#close();
    return this.#closing;
  }

  async #close(): Promise<void> {
    await this.#opening?.catch(() => undefined);
    const live = this.#live;
    if (live === undefined) return;
    live.admission.close();
    await live.committer.whenIdle();
    await live.layout.db.close();
  }

  /** The open store's parts; throws `ENGINE_CLOSED` before open and once close began. */
  #use(): Live {
    const live = this.#live;
    if (live === undefined || this.#closing !== undefined) throw closedError();
    return live;
  }
}
