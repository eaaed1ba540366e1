import { AionError, ErrorCode } from 'aion-ts';
import type { Engine, HistoryEvent } from 'aion-ts';
import type { Subscription } from 'rxjs';
import { filter } from 'rxjs';
import type { Approval } from '../order-saga.js';
import type { BatchPlan } from './order-batch.js';
import { orderIdPrefix, orderWorkflowId } from './order-batch.js';

/** The main job's stand-in for a human approver. */
export interface Approver {
  /** Approves an order recovered from the store if its history shows it waiting for approval. */
  catchUp(workflowId: string, history: readonly HistoryEvent[]): void;
  /** Resolves once every approval sent so far is durable; stops listening. */
  stop(): Promise<void>;
}

const approval: Approval = { approved: true, by: 'auto-approver' };

/** An approval request: the saga armed the timeout of its `approval` wait. */
const asksForApproval = (event: HistoryEvent): boolean =>
  event.type === 'TimerStarted' && event.kind === 'signal-timeout';

/**
 * Approves every order of the batch, except the ones the plan leaves
 * unapproved, as soon as the order waits for approval: it watches the
 * engine's event firehose for the durable timer of the saga's
 * `ctx.signal('approval', { timeout })`.
 *
 * (Approving right after `engine.start` would work as well, since signals
 * are buffered; answering when asked is what a real approver does.)
 */
export function createApprover(engine: Engine, plan: BatchPlan): Approver {
  const prefix = orderIdPrefix(plan.batch);
  const unapproved = new Set(plan.unapproved.map((n) => orderWorkflowId(plan.batch, n)));
  const sent = new Set<string>();
  const inFlight = new Set<Promise<void>>();

  const approve = (workflowId: string): void => {
    if (sent.has(workflowId) || unapproved.has(workflowId)) return;
    sent.add(workflowId);
    const signalled = engine.signal(workflowId, 'approval', approval).catch((error: unknown) => {
      // The order may have ended in the meantime (its approval timed out).
      if (error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_RUNNING) return;
      throw error;
    });
    inFlight.add(signalled);
    void signalled.finally(() => inFlight.delete(signalled)).catch(() => undefined);
  };

  const subscription: Subscription = engine.events$
    .pipe(filter((event) => event.workflowId.startsWith(prefix) && asksForApproval(event)))
    .subscribe((event) => approve(event.workflowId));

  return {
    catchUp(workflowId, history) {
      const waiting = history.some(asksForApproval);
      const approved = history.some((e) => e.type === 'SignalReceived' && e.name === 'approval');
      if (waiting && !approved) approve(workflowId);
    },
    async stop() {
      subscription.unsubscribe();
      await Promise.all(inFlight);
    },
  };
}
