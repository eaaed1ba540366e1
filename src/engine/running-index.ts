import { isTerminalEventType } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';

/**
 * The running run of each workflow id. The engine is the store's only
 * writer (the store is locked), so an index loaded at open and kept from
 * durable events is exact, and a start reads nothing from the store.
 */
export class RunningIndex {
  readonly #running = new Map<string, string>();

  /** How many workflow ids have a running run. */
  get size(): number {
    return this.#running.size;
  }

  /** The running run of `workflowId`, if any. */
  get(workflowId: string): string | undefined {
    return this.#running.get(workflowId);
  }

  /** Loads a run known running (recovery). */
  set(workflowId: string, runId: string): void {
    this.#running.set(workflowId, runId);
  }

  /** Follows durable events: a start makes a run running, its terminal event ends it. */
  apply(events: readonly HistoryEvent[]): void {
    for (const event of events) {
      if (event.type === 'WorkflowStarted') this.#running.set(event.workflowId, event.runId);
      else if (
        isTerminalEventType(event.type) &&
        this.#running.get(event.workflowId) === event.runId
      ) {
        this.#running.delete(event.workflowId);
      }
    }
  }
}
