// Run by test/testing/docs-testing-examples.test.ts (the suite needs vitest's describe/it).
import type {
  EventStore,
  HistoryEvent,
  ListFilter,
  ListPage,
  RunAppend,
  RunSummary,
  TimerEntry,
} from 'aion-ts';
import { MemoryStore, describeEventStoreConformance } from 'aion-ts/testing';

/**
 * A third-party store, in miniature: it keeps its data in a MemoryStore and
 * counts commits. A real one would talk to its database instead.
 */
export class CountingStore implements EventStore {
  commits = 0;
  constructor(readonly inner: MemoryStore = new MemoryStore()) {}
  commit(appends: readonly RunAppend[]): ReturnType<EventStore['commit']> {
    this.commits++;
    return this.inner.commit(appends);
  }
  readHistory(
    workflowId: string,
    runId: string,
    from?: number,
    to?: number,
  ): Promise<HistoryEvent[]> {
    return this.inner.readHistory(workflowId, runId, from, to);
  }
  getRun(workflowId: string, runId: string): Promise<RunSummary | undefined> {
    return this.inner.getRun(workflowId, runId);
  }
  getLatestRunId(workflowId: string): Promise<string | undefined> {
    return this.inner.getLatestRunId(workflowId);
  }
  listNonTerminal(): Promise<RunSummary[]> {
    return this.inner.listNonTerminal();
  }
  dueTimers(upTo: number, limit?: number): Promise<TimerEntry[]> {
    return this.inner.dueTimers(upTo, limit);
  }
  nextTimers(limit: number): Promise<TimerEntry[]> {
    return this.inner.nextTimers(limit);
  }
  listRuns(filter?: ListFilter): Promise<ListPage> {
    return this.inner.listRuns(filter);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/** Defines the conformance suite for CountingStore; call it at the top of a test file. */
export function defineCountingStoreConformance(): void {
  describeEventStoreConformance('CountingStore', {
    open: async () => new CountingStore(),
    // Optional: the cases that reopen a closed store's data.
    reopen: async (closed) => new CountingStore(new MemoryStore({ data: closed.inner.data })),
  });
}
