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

/** A commit the store took and whose caller still waits for the acknowledgement. */
interface InFlight {
  readonly appends: readonly RunAppend[];
  /** Set once the shadow store planned it; a rejected commit leaves the queue. */
  result: CommitResult | undefined;
  /** True once it reached the disk: visible to reads, kept by any crash. */
  written: boolean;
  readonly resolve: (result: CommitResult) => void;
}

/** Counters of the durability model over a whole simulation. */
export interface DurabilityStats {
  /** Commits written (visible and durable). */
  written: number;
  /** Commits acknowledged to the engine. */
  acked: number;
  /** Commits refused when taken (conflict, append after the end...). */
  rejected: number;
  /** Unacknowledged commits a crash kept (they reached the disk before the ack). */
  keptAtCrash: number;
  /** Unacknowledged commits a crash lost (they never reached the disk). */
  lostAtCrash: number;
}

const runKeyOf = (workflowId: string, runId: string): string => `${workflowId}\u0000${runId}`;

/** Copies MemoryStore tables, so that no incarnation writes into another's. */
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
 * A model of what a disk keeps across a process crash, for the
 * deterministic simulator. A commit goes through three stages, each moved
 * on by the simulator, in the order the commits were taken (a sequential
 * log, as LevelDB's):
 *
 * 1. **queued**: taken by the store (checked against the heads of the
 *    commits before it, as a group-commit queue does), invisible to reads,
 *    not on disk yet;
 * 2. **written** ({@link write}): on disk, so visible to reads and kept by
 *    any crash, but its caller is not acknowledged yet (LevelDB between its
 *    write and the callback);
 * 3. **acknowledged** ({@link ack}): the caller's `commit` resolves.
 *
 * At a {@link crash} every written commit survives, and of the queued ones
 * a prefix the simulator draws (those the disk got before the process
 * died); the rest are lost. A commit, whatever runs it spans, is kept or
 * lost whole. An acknowledged commit is always written, so never lost; and
 * what a read shows is never taken back by a crash, as on a real store.
 *
 * After a crash the old incarnation's store is frozen: no call into it ever
 * settles again, as nothing runs in a dead process.
 */
export class DurabilityModel {
  /** What is on disk: every written commit. */
  readonly #durable: MemoryStore;
  #queue: InFlight[] = [];
  #current: CrashableStore | undefined;
  readonly #ackedHeads = new Map<string, number>();
  readonly #ackedTerminals = new Set<string>();
  readonly stats: DurabilityStats = {
    written: 0,
    acked: 0,
    rejected: 0,
    keptAtCrash: 0,
    lostAtCrash: 0,
  };
  /** Failures of the model itself (never expected; the simulator reports them). */
  readonly modelFaults: string[] = [];
  /** Called with every commit the store refused, and why. */
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

  /** Opens the store of a new incarnation on the durable tables. */
  open(): CrashableStore {
    if (this.#current !== undefined) throw new Error('an incarnation is still open');
    const visible = new MemoryStore({ data: copyTables(this.#durable.data) });
    const shadow = new MemoryStore({ data: copyTables(this.#durable.data) });
    const store = new CrashableStore(this, visible, shadow);
    this.#current = store;
    return store;
  }

  /** Commits taken and not yet acknowledged. */
  get pending(): number {
    return this.#queue.length;
  }

  /** The commits taken and not yet acknowledged, oldest first (for tests). */
  peek(): ReadonlyArray<readonly RunAppend[]> {
    return this.#queue.map((entry) => entry.appends);
  }

  /** Commits taken and not yet written. */
  get queued(): number {
    return this.#queue.filter((entry) => !entry.written).length;
  }

  /**
   * Writes up to `count` of the oldest queued commits to disk, in order.
   *
   * @returns how many were written.
   */
  write(count = Number.POSITIVE_INFINITY): number {
    let done = 0;
    for (const entry of this.#queue) {
      if (done >= count || entry.result === undefined) break;
      if (entry.written) continue;
      this.#write(entry);
      done++;
    }
    return done;
  }

  /**
   * Acknowledges up to `count` of the oldest commits, in order, writing
   * first those not written yet.
   *
   * @returns how many were acknowledged.
   */
  ack(count = Number.POSITIVE_INFINITY): number {
    let done = 0;
    while (done < count) {
      const entry = this.#queue[0];
      if (entry?.result === undefined) break;
      if (!entry.written) this.#write(entry);
      this.#queue.shift();
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
   * Kills the current incarnation: written commits stay, the first
   * `survivors` queued ones reach the disk as the process dies, the rest are
   * lost, and the incarnation's store freezes.
   *
   * @returns how many unacknowledged commits were kept and lost.
   */
  crash(survivors: number): { kept: number; lost: number } {
    const taken = this.#queue.filter((entry) => entry.result !== undefined);
    const written = taken.filter((entry) => entry.written).length;
    const queued = taken.filter((entry) => !entry.written);
    for (const entry of queued.slice(0, Math.max(0, survivors))) this.#write(entry);
    const kept = written + Math.min(queued.length, Math.max(0, survivors));
    const lost = taken.length - kept;
    this.stats.keptAtCrash += kept;
    this.stats.lostAtCrash += lost;
    this.#queue = [];
    this.#current?.freeze();
    this.#current = undefined;
    return { kept, lost };
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
  enqueue(shadow: MemoryStore, appends: readonly RunAppend[]): Promise<CommitResult> {
    return new Promise<CommitResult>((resolve, reject) => {
      const entry: InFlight = { appends, result: undefined, written: false, resolve };
      // The shadow holds every commit taken, written or not: it checks each
      // against the heads the commits before it leave, as a group-commit
      // queue does. MemoryStore applies a commit synchronously inside
      // `commit`, so the queue keeps the order the commits were taken in.
      this.#queue.push(entry);
      shadow.commit(appends).then(
        (result) => {
          entry.result = result;
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

  #write(entry: InFlight): void {
    entry.written = true;
    this.stats.written++;
    // Both apply a prefix of the shadow's commits, in its order: the same
    // plan applies to them, so a failure here is a bug of the model.
    const fault = (error: unknown): void => {
      this.modelFaults.push(`a written commit did not apply: ${String(error)}`);
    };
    this.#durable.commit(entry.appends).catch(fault);
    this.#current?.visibleStore.commit(entry.appends).catch(fault);
  }
}

/**
 * The {@link EventStore} one engine incarnation writes to: reads go to its
 * written tables, commits through the {@link DurabilityModel}.
 */
export class CrashableStore implements EventStore {
  readonly #model: DurabilityModel;
  readonly #visible: MemoryStore;
  readonly #shadow: MemoryStore;
  #frozen = false;

  constructor(model: DurabilityModel, visible: MemoryStore, shadow: MemoryStore) {
    this.#model = model;
    this.#visible = visible;
    this.#shadow = shadow;
  }

  /** The store of what was written, which reads see. */
  get visibleStore(): MemoryStore {
    return this.#visible;
  }

  /** The tables this incarnation sees (written, acknowledged or not). */
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
    return this.#model.enqueue(this.#shadow, appends);
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
    return Promise.all([this.#visible.close(), this.#shadow.close()]).then(() => undefined);
  }
}
