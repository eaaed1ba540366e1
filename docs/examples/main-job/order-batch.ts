import { AionError, ErrorCode, defineWorkflow } from 'aion-ts';
import type { Engine } from 'aion-ts';
import type { SagaSettings } from '../order-saga.js';
import type { MainJobConfig } from './config.js';

/** A batch of orders, recorded as the input of its `orderBatch` run. */
export interface BatchPlan {
  readonly batch: number;
  readonly orders: number;
  readonly settings: SagaSettings;
  /** Order numbers the auto-approver leaves alone: they take the timeout path. */
  readonly unapproved: readonly number[];
}

/** Totals of a finished batch: the result of its `orderBatch` run. */
export interface BatchReport {
  readonly shipped: number;
  readonly cancelled: number;
  readonly failed: number;
}

/**
 * The durable batch marker. Its run is started before the batch's first
 * order and stays `running` until the main job signals `complete` after the
 * batch's last order ended, so after a crash a running `orderBatch` run says
 * "this batch is unfinished" and its input says what the batch is.
 */
export const orderBatch = defineWorkflow('orderBatch', async (ctx, plan: BatchPlan) => {
  ctx.onQuery('plan', () => plan);
  return ctx.signal<BatchReport>('complete');
});

export const batchWorkflowId = (batch: number): string => `batch-${batch}`;
export const orderIdPrefix = (batch: number): string => `order-${batch}-`;
export const orderWorkflowId = (batch: number, n: number): string => `${orderIdPrefix(batch)}${n}`;

/** Every hundredth order, counting from the 7th, gets no approval. */
function unapprovedOrders(orders: number): number[] {
  const numbers: number[] = [];
  for (let n = 7; n <= orders; n += 100) numbers.push(n);
  return numbers;
}

/** The batch the main job works on, and whether it was left unfinished by an earlier process. */
export interface OpenBatch {
  readonly plan: BatchPlan;
  readonly resumed: boolean;
  /** When the batch was first started (epoch ms). */
  readonly startedAt: number;
}

/**
 * Finds the unfinished batch, if a previous process left one, or starts
 * the next batch's marker run.
 */
export async function openBatch(engine: Engine, config: MainJobConfig): Promise<OpenBatch> {
  const unfinished = await engine.list({ workflowType: orderBatch.name, status: 'running' });
  const marker = unfinished.items[0];
  if (marker !== undefined) {
    const [started] = await engine.history(marker.workflowId, marker.runId);
    if (started?.type !== 'WorkflowStarted') {
      throw new AionError(ErrorCode.STORE_CORRUPT, `batch run ${marker.workflowId} has no start`);
    }
    return { plan: started.input as BatchPlan, resumed: true, startedAt: marker.startedAt };
  }
  const latest = (await engine.list({ workflowType: orderBatch.name, limit: 1 })).items[0];
  const batch = latest === undefined ? 1 : Number(latest.workflowId.replace('batch-', '')) + 1;
  const plan: BatchPlan = {
    batch,
    orders: config.orders,
    settings: config.settings,
    unapproved: unapprovedOrders(config.orders),
  };
  const handle = await engine.start(orderBatch, plan, { workflowId: batchWorkflowId(batch) });
  const { startedAt } = await handle.describe();
  return { plan, resumed: false, startedAt };
}
