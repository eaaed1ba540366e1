import { EngineClosedError, InvalidArgumentError, assertValidId } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { planCommit } from './commit-plan.js';
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
import { runKey } from './key-codec.js';
import { openLayout } from './level-layout.js';
import { readLevelHistory, readLevelSummary } from './level-reader.js';
import { levelStoreSettings } from './level-store-options.js';
import type { LevelStoreOptions, LevelStoreSettings } from './level-store-options.js';
import { levelStoreParts } from './level-store-parts.js';
import type { LevelStoreParts } from './level-store-parts.js';
import { levelStoreStats } from './level-store-stats.js';
import type { LevelStoreStats } from './level-store-stats.js';
import { assertRunIds, seqRange } from './read-args.js';
import type { AdmissionRelease } from './write-admission.js';
import * as listQueries from './list-queries.js';
import * as timerQueries from './timer-queries.js';

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
  readonly #options: LevelStoreSettings;
  #live: LevelStoreParts | undefined;
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
    this.location = location;
    this.#options = levelStoreSettings(options);
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
    const live = levelStoreParts(layout, this.#options);
    // close() may have been called while opening: it then closes what we opened.
    this.#live = live;
  }

  /** Counters: batches, commits and events written, queue, backpressure and cache sizes. */
  stats(): LevelStoreStats {
    return levelStoreStats(this.#live, this.#options.maxPendingCommits);
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
    let live: LevelStoreParts;
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
  #use(): LevelStoreParts {
    const live = this.#live;
    if (live === undefined || this.#closing !== undefined) throw closedError();
    return live;
  }
}
