import { isDeepStrictEqual } from 'node:util';
import type { OutcomeNotice } from '../../src/index.js';
import type { DurabilityModel } from './durable-store.js';
import { runKey } from './snapshot.js';
import type { Snapshot } from './snapshot.js';

/** The outcome type each terminal event stands for. */
const OUTCOME_OF: Readonly<Record<string, string>> = {
  WorkflowCompleted: 'completed',
  WorkflowFailed: 'failed',
  WorkflowCancelled: 'cancelled',
  WorkflowTerminated: 'terminated',
  WorkflowTimedOut: 'timedOut',
  WorkflowContinuedAsNew: 'continuedAsNew',
};

/**
 * Every notice `engine.outcomes$` emitted, across incarnations. A notice
 * must come after its terminal event was acknowledged (never an outcome a
 * crash could take back), at most one per run ever, and at the end every
 * acknowledged terminal event must have had exactly one, of the same kind.
 */
export class OutcomeLedger {
  readonly #notices = new Map<string, OutcomeNotice>();
  /** Notices for a run that already had one. */
  duplicates = 0;

  /** Records a notice as it is emitted; returns the problems it shows at once. */
  record(notice: OutcomeNotice, model: DurabilityModel): string[] {
    const key = runKey(notice.workflowId, notice.runId);
    const name = `${notice.workflowId}/${notice.runId}`;
    const problems: string[] = [];
    if (this.#notices.has(key)) {
      this.duplicates++;
      problems.push(`${name}: outcomes$ emitted a second outcome (${notice.outcome.type})`);
    }
    if (!model.terminalAcked(notice.workflowId, notice.runId)) {
      problems.push(
        `${name}: outcomes$ emitted ${notice.outcome.type} before its terminal event was durable`,
      );
    }
    this.#notices.set(key, notice);
    return problems;
  }

  /** How many notices were emitted. */
  get size(): number {
    return this.#notices.size;
  }

  /** Compares the notices with the final store. */
  check(snapshot: Snapshot, model: DurabilityModel): string[] {
    const problems: string[] = [];
    for (const [key, notice] of this.#notices) {
      const run = snapshot.runs.get(key);
      const terminal = run?.history[run.history.length - 1];
      const name = `${notice.workflowId}/${notice.runId}`;
      if (terminal === undefined || OUTCOME_OF[terminal.type] !== notice.outcome.type) {
        problems.push(
          `${name}: outcomes$ said ${notice.outcome.type}, the store says ${String(terminal?.type)}`,
        );
      } else if (
        terminal.type === 'WorkflowCompleted' &&
        notice.outcome.type === 'completed' &&
        !isDeepStrictEqual(terminal.result, notice.outcome.result)
      ) {
        problems.push(`${name}: outcomes$ result differs from the recorded one`);
      }
    }
    for (const [key, run] of snapshot.runs) {
      const { workflowId, runId } = run.summary;
      if (run.summary.status === 'running' || !model.terminalAcked(workflowId, runId)) continue;
      if (!this.#notices.has(key)) {
        problems.push(
          `${workflowId}/${runId}: ended ${run.summary.status} (acknowledged) but outcomes$ never said so`,
        );
      }
    }
    return problems;
  }
}
