import type { Engine, HistoryEvent } from 'aion-ts';
import type { OrderResult } from '../order-saga.js';
import type { BatchPlan, BatchReport } from './order-batch.js';
import { orderWorkflowId } from './order-batch.js';

/** What the store says about a finished batch. */
export interface BatchSummary extends BatchReport {
  readonly orders: number;
  /** Other terminal outcomes (terminated, timed out); 0 in the main job. */
  readonly other: number;
  /** `workflowId: reason` of each cancelled order. */
  readonly cancellations: readonly string[];
  readonly activitiesCompleted: number;
  readonly attempts: number;
  readonly retries: number;
}

/**
 * Reads every order's history (and its shipping child's) from the store and
 * totals outcomes, activities and retries; the store, not this process's memory, is the
 * source of truth, so the totals cover sessions that were killed.
 */
export async function summarizeBatch(engine: Engine, plan: BatchPlan): Promise<BatchSummary> {
  const totals = { shipped: 0, cancelled: 0, failed: 0, other: 0 };
  const counts = { activitiesCompleted: 0, attempts: 0, retries: 0 };
  const cancellations: string[] = [];
  const countActivities = (events: readonly HistoryEvent[]): void => {
    for (const event of events) {
      if (event.type === 'ActivityCompleted') {
        counts.activitiesCompleted++;
        counts.attempts++;
      } else if (event.type === 'ActivityFailed') {
        counts.attempts++;
        if (event.nextAttemptAt !== undefined) counts.retries++;
      }
    }
  };
  for (let n = 1; n <= plan.orders; n++) {
    const workflowId = orderWorkflowId(plan.batch, n);
    const history = await engine.history(workflowId);
    countActivities(history);
    for (const event of history) {
      switch (event.type) {
        case 'ChildWorkflowStarted': // the shipping child: its activities count too
          countActivities(await engine.history(event.childWorkflowId, event.childRunId));
          break;
        case 'WorkflowCompleted': {
          const result = event.result as OrderResult;
          totals[result.status]++;
          if (result.status === 'cancelled') cancellations.push(`${workflowId}: ${result.reason}`);
          break;
        }
        case 'WorkflowFailed':
          totals.failed++;
          break;
        case 'WorkflowCancelled':
        case 'WorkflowTerminated':
        case 'WorkflowTimedOut':
          totals.other++;
          break;
        default:
          break;
      }
    }
  }
  return { orders: plan.orders, ...totals, ...counts, cancellations };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
const row = (label: string, value: string | number): string =>
  `  ${label.padEnd(12)} ${String(value)}`;

/** The summary printed at the end of `npm start`. */
export function formatSummary(
  plan: BatchPlan,
  summary: BatchSummary,
  session: { elapsedMs: number; batchElapsedMs: number; resumed: boolean },
): string {
  const lines = [
    `Batch ${plan.batch} complete: ${summary.orders} orders`,
    row('shipped', summary.shipped),
    row('cancelled', summary.cancelled),
    ...summary.cancellations.map((c) => `    ${c} (charge refunded, stock released)`),
    row('failed', summary.failed),
    ...(summary.other > 0 ? [row('other', summary.other)] : []),
    row(
      'activities',
      `${summary.activitiesCompleted} executed in ${summary.attempts} attempts, ${summary.retries} retries`,
    ),
    row(
      'elapsed',
      session.resumed
        ? `${seconds(session.elapsedMs)} this session (resumed), ${seconds(session.batchElapsedMs)} since the batch started`
        : seconds(session.elapsedMs),
    ),
  ];
  return lines.join('\n');
}
