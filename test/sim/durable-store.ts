import { EngineClosedError, isTerminalEventType } from '../../src/core/index.js';
import { MemoryStore, createMemoryStoreData } from '../../src/store/index.js';
import type {
  CommitResult,
  EventStore,
  ListFilter,
  ListPage,
  MemoryStoreData,
  RunAppend,
  RunSummary,
  TimerEntry,
} from '../../src/store/index.js';

/** A commit the visible store applied and whose caller still waits for the acknowledgement. */
interface InFlight {
  readonly appends: readonly RunAppend[];
  /** Set once the visible store applied the commit; a rejected one leaves the queue. */
  result: CommitResult | undefined;
  readonly resolve: (result: CommitResult) => void;
}

/** Counters of the durability model over a whole simulation. */
export interface DurabilityStats {
  /** Commits the visible store applied. */
  applied: number;
  /** Commits acknowledged to the engine. */
  acked: number;
  /** Commits the visible store rejected (conflict, append after the end...). */
  rejected: number;
  /** Unacknowledged commits a crash kept (they reached the disk before the ack). */
  keptAtCrash: number;
  /** Unacknowledged commits a crash lost. */
  lostAtCrash: number;
}

const runKeyOf = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`;

/** Copies MemoryStore tables, so an incarnation can never write into the durable state. */
function copyTables(from: MemoryStoreData): MemoryStoreData {
  const to = createMemoryStoreData();
  for (const [key, value] of from.history.range()) to.history.set(key, value);
  for (const [key, value] of from.runs.range()) to.runs.set(key, value);
  for (const name of Object.keys(from.indexes) as Array<keyof MemoryStoreData['indexes']>) {
    for (const [key, value] of from.indexes[name].range()) to.indexes[name].set(key, value);
  }
  return to;
}

/**
 * A model of what a disk keeps across a crash, for the deterministic
 * simulator.
 *
 * Each engine incarnation writes to a {@link CrashableStore}: a MemoryStore
 * holding a copy of the durable tables. A commit is applied to that copy at
 * once (so reads see it, as LevelDB's memtable does between its write and
 * the callback) but its caller is acknowledged only when the simulator calls
 * {@link ack}, which also applies it to the durable tables. Commits reach the
 * durable tables in the order the visible store applied them, like a
 * sequential log, so:
 * - an acknowledged commit is durable, always;
 * - at a {@link crash}, the unacknowledged commits are cut at a point the
 *   simulator draws: those before it were written but not yet acknowledged
 *   (kept), those after it never reached the disk (lost);
 * - a commit is one batch: it is kept or lost whole.
 *
 * After a crash the old incarnation's store is frozen: no call into it ever
 * settles again, as nothing runs in a dead process.
 */
export class DurabilityModel {
  readonly #durable: MemoryStore;
  #queue: InFlight[] = [];
  #current: CrashableStore | undefined;
  readonly #ackedHeads = new Map<string, number>();
  readonly #ackedTerminals = new Set<string>();
  readonly stats: DurabilityStats = {
    applied: 0,
    acked: 0,
    rejected: 0,
    keptAtCrash: 0,
    lostAtCrash: 0,
  };
  /** Failures of the model itself (never expected; the simulator reports them). */
  readonly modelFaults: string[] = [];
  /** Called with every commit the visible store rejected, and why. */
  onRejected: (appends: readonly RunAppend[], error: unknown) => void = () => undefined;

  constructor() {
    this.#durable = new MemoryStore();
  }

  /** The durable tables (read them only through a store; never write). */
  get durableData(): MemoryStoreData {
    return this.#durable.data;
  }

  /** The durable tables behind the `EventStore` contract, for the checks (never write to it). */
  get durableStore(): EventStore {
    return this.#durable;
  }

  /** Opens the store of a new incarnation on a copy of the durable tables. */
  open(): CrashableStore {
    if (this.#current !== undefined) throw new Error('an incarnation is still open');
    const store = new CrashableStore(
      this,
      new MemoryStore({ data: copyTables(this.#durable.data) }),
    );
    this.#current = store;
    return store;
  }

  /** Commits applied and not yet acknowledged. */
  get pending(): number {
    return this.#queue.length;
  }

  /**
   * Acknowledges up to `count` of the oldest unacknowledged commits, in
   * order, stopping at one the visible store has not applied yet.
   *
   * @returns how many were acknowledged.
   */
  ack(count = Number.POSITIVE_INFINITY): number {
    let done = 0;
    while (done < count) {
      const entry = this.#queue[0];
      if (entry?.result === undefined) break;
      this.#queue.shift();
      this.#makeDurable(entry.appends);
      for (const append of entry.appends) {
        const key = runKeyOf(append.workflowId, append.runId);
        const last = append.events[append.events.length - 1];
        if (last !== undefined) this.#ackedHeads.set(key, last.seq);
        if (append.events.some((event) => isTerminalEventType(event.type))) {
          this.#ackedTerminals.add(key);
        }
      }
      this.stats.acked++;
      done++;
      entry.resolve(entry.result);
    }
    return done;
  }

  /**
   * Kills the current incarnation: the first `survivors` unacknowledged
   * commits become durable, the rest are lost, and the incarnation's store
   * freezes.
   *
   * @returns how many commits were kept and lost.
   */
  crash(survivors: number): { kept: number; lost: number } {
    const applied = this.#queue.filter((entry) => entry.result !== undefined);
    const kept = applied.slice(0, Math.max(0, survivors));
    for (const entry of kept) this.#makeDurable(entry.appends);
    const lost = applied.length - kept.length;
    this.stats.keptAtCrash += kept.length;
    this.stats.lostAtCrash += lost;
    this.#queue = [];
    this.#current?.freeze();
    this.#current = undefined;
    return { kept: kept.length, lost };
  }

  /** Closes the current incarnation's store cleanly (everything must be acknowledged). */
  async closeIncarnation(): Promise<void> {
    if (this.#queue.length > 0) throw new Error('closing with unacknowledged commits');
    const store = this.#current;
    this.#current = undefined;
    await store?.close();
  }

  /** True when an event of this run at `seq` (or later) was acknowledged. */
  isAcked(workflowId: string, runId: string, seq: number): boolean {
    return (this.#ackedHeads.get(runKeyOf(workflowId, runId)) ?? 0) >= seq;
  }

  /** True when a terminal event of this run was acknowledged. */
  terminalAcked(workflowId: string, runId: string): boolean {
    return this.#ackedTerminals.has(runKeyOf(workflowId, runId));
  }

  /** Called by the current incarnation's store for each commit it takes. */
  enqueue(store: MemoryStore, appends: readonly RunAppend[]): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) => {
      const entry: InFlight = { appends, result: undefined, resolve };
      // MemoryStore applies a commit synchronously inside `commit`: the queue
      // therefore holds commits in the order they were applied.
      this.#queue.push(entry);
      store.commit(appends).then(
        (result) => {
          entry.result = result;
          this.stats.applied++;
        },
        (error: unknown) => {
          this.#queue = this.#queue.filter((other) => other !== entry);
          this.stats.rejected++;
          this.onRejected(appends, error);
          reject(error);
        },
      );
    });
  }

  #makeDurable(appends: readonly RunAppend[]): void {
    // The durable tables hold a prefix of the visible store's commits, so the
    // same plan applies to them; a failure here is a bug of the model.
    this.#durable.commit(appends).catch((error: unknown) => {
      this.modelFaults.push(
        `the durable tables refused a commit the visible store took: ${String(error)}`,
      );
    });
  }
}

/**
 * The {@link EventStore} one engine incarnation writes to: reads go to its
 * visible tables, commits through the {@link DurabilityModel}.
 */
export class CrashableStore implements EventStore {
  readonly #model: DurabilityModel;
  readonly #visible: MemoryStore;
  #frozen = false;

  constructor(model: DurabilityModel, visible: MemoryStore) {
    this.#model = model;
    this.#visible = visible;
  }

  /** The tables this incarnation sees (acknowledged or not). */
  get visibleData(): MemoryStoreData {
    return this.#visible.data;
  }

  /** Makes every later call hang: the process is gone. */
  freeze(): void {
    this.#frozen = true;
  }

  #call<T>(read: () => Promise<T>): Promise<T> {
    if (this.#frozen) return new Promise<T>(() => undefined);
    return read();
  }

  commit(appends: readonly RunAppend[]): Promise<CommitResult> {
    if (this.#frozen) return new Promise<CommitResult>(() => undefined);
    return this.#model.enqueue(this.#visible, appends);
  }

  readHistory(workflowId: string, runId: string, fromSeq?: number, toSeq?: number) {
    return this.#call(() => this.#visible.readHistory(workflowId, runId, fromSeq, toSeq));
  }

  getRun(workflowId: string, runId: string): Promise<RunSummary | undefined> {
    return this.#call(() => this.#visible.getRun(workflowId, runId));
  }

  getLatestRunId(workflowId: string): Promise<string | undefined> {
    return this.#call(() => this.#visible.getLatestRunId(workflowId));
  }

  listNonTerminal(): Promise<RunSummary[]> {
    return this.#call(() => this.#visible.listNonTerminal());
  }

  dueTimers(upTo: number, limit?: number, after?: TimerEntry): Promise<TimerEntry[]> {
    return this.#call(() => this.#visible.dueTimers(upTo, limit, after));
  }

  nextTimers(limit: number): Promise<TimerEntry[]> {
    return this.#call(() => this.#visible.nextTimers(limit));
  }

  listRuns(filter?: ListFilter): Promise<ListPage> {
    return this.#call(() => this.#visible.listRuns(filter));
  }

  close(): Promise<void> {
    if (this.#frozen) return Promise.reject(new EngineClosedError());
    return this.#visible.close();
  }
}
