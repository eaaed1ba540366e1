/**
 * The order saga that `npm start` runs (see docs/getting-started.md).
 *
 * One run per order: charge the card, reserve the stock, wait for a human
 * (here: the main job's auto-approver) to approve the order, then hand it to
 * the warehouse: a child workflow per order (`shipParcel`, workflow id
 * `${orderId}/1`) that packs it (a durable sleep) and ships it.
 *
 * Business rule, when an order cannot go ahead, it is cancelled with
 * compensation, undoing the steps already done in reverse order (release the
 * stock, then refund the card):
 * - no `approval` signal within `approvalTimeout`, or an approval with
 *   `approved: false`: the run completes with `{ status: 'cancelled' }`;
 * - the warehouse does not confirm the reservation within
 *   `reservationDeadline` (retries included): same, `status: 'cancelled'`;
 * - an activity or the shipping child fails for good (retries exhausted, or
 *   a non-retryable error such as a declined card): compensate, then the run
 *   fails;
 * - `engine.cancel(orderId)`: compensate, then the run ends `cancelled`.
 * Once the carrier has the parcel, nothing is undone.
 *
 * The activities below simulate remote services with a few milliseconds of
 * latency; they pass `actx.idempotencyKey` along as real services would.
 */
import { setTimeout as delay } from 'node:timers/promises';
import {
  ActivityFailedError,
  ApplicationError,
  CancelledError,
  ChildWorkflowFailedError,
  TimeoutError,
  defineActivity,
  defineWorkflow,
} from 'aion-ts';
import type { Duration } from 'aion-ts';

// ---- the saga's vocabulary ----

/** One order of the batch. */
export interface Order {
  readonly id: string;
  /** Position in the batch (1-based); the simulated warehouse keys its moods on it. */
  readonly number: number;
  readonly sku: string;
  readonly quantity: number;
  readonly cents: number;
}

/** Durations of the saga, recorded with each run's input so replay never depends on the environment. */
export interface SagaSettings {
  /** How long packing takes (a durable sleep). */
  readonly packingTime: Duration;
  /** How long to wait for the `approval` signal before cancelling the order. */
  readonly approvalTimeout: Duration;
  /** How long the warehouse may take to confirm a reservation, retries included. */
  readonly reservationDeadline: Duration;
}

export interface OrderInput {
  readonly order: Order;
  readonly settings: SagaSettings;
}

/** The payload of the `approval` signal. */
export interface Approval {
  readonly approved: boolean;
  readonly by: string;
}

/** What the `stage` query answers. */
export type OrderStage =
  | 'charging'
  | 'reserving'
  | 'awaiting-approval'
  | 'shipping'
  | 'shipped'
  | 'compensating'
  | 'cancelled';

export type OrderResult =
  | {
      readonly status: 'shipped';
      readonly orderId: string;
      readonly chargeId: string;
      readonly trackingNumber: string;
    }
  | {
      readonly status: 'cancelled';
      readonly orderId: string;
      readonly reason: string;
      readonly refundId: string;
    };

// ---- activities: the side effects ----

/** A few milliseconds of simulated network latency; stops early when the attempt is aborted. */
function latency(signal: AbortSignal): Promise<void> {
  return delay(2 + Math.floor(Math.random() * 8), undefined, { signal });
}

export const chargeCard = defineActivity(
  'chargeCard',
  async (input: { orderId: string; cents: number }, actx) => {
    await latency(actx.signal);
    // A real payment API would receive actx.idempotencyKey, so that a
    // repeated attempt (retry or recovery) charges the card only once.
    return { chargeId: `ch_${actx.idempotencyKey}` };
  },
  { retry: { maxAttempts: 3, initialIntervalMs: 200, nonRetryable: ['CardDeclined'] } },
);

export const refundCard = defineActivity(
  'refundCard',
  async (input: { orderId: string; chargeId: string; cents: number }, actx) => {
    await latency(actx.signal);
    return { refundId: `re_${input.chargeId}` };
  },
  // Compensations must not give up easily.
  { retry: { maxAttempts: 10, initialIntervalMs: 200, maxIntervalMs: 5_000 } },
);

/**
 * The flaky one: the simulated warehouse answers "busy" to the first
 * reservation attempt of every third order. The error is retryable, so the
 * engine records the failed attempt, waits 200 ms on a durable timer and
 * runs attempt 2, which succeeds.
 */
export const reserveInventory = defineActivity(
  'reserveInventory',
  async (input: { orderId: string; number: number; sku: string; quantity: number }, actx) => {
    await latency(actx.signal);
    if (input.number % 3 === 0 && actx.attempt === 1) {
      throw new ApplicationError('warehouse busy, try again', { type: 'WarehouseBusy' });
    }
    return { reservationId: `rsv_${actx.idempotencyKey}` };
  },
  {
    retry: {
      maxAttempts: 5,
      initialIntervalMs: 200,
      maxIntervalMs: 2_000,
      nonRetryable: ['OutOfStock'],
    },
    timeoutMs: 5_000,
  },
);

export const releaseInventory = defineActivity(
  'releaseInventory',
  async (input: { orderId: string; reservationId: string }, actx) => {
    await latency(actx.signal);
    return { released: input.reservationId };
  },
  { retry: { maxAttempts: 10, initialIntervalMs: 200, maxIntervalMs: 5_000 } },
);

export const shipOrder = defineActivity(
  'shipOrder',
  async (input: { orderId: string; reservationId: string }, actx) => {
    await latency(actx.signal);
    return { trackingNumber: `TRK-${input.orderId}` };
  },
  { timeoutMs: 10_000 },
);

/** Every activity of the saga, for `Engine.open({ activities })`. */
export const orderActivities = [
  chargeCard,
  refundCard,
  reserveInventory,
  releaseInventory,
  shipOrder,
] as const;

// ---- the workflow: deterministic, talks to the world only through ctx ----

/** The warehouse's part of an order, run as a child workflow of the saga. */
export const shipParcel = defineWorkflow(
  'shipParcel',
  async (ctx, input: { orderId: string; reservationId: string; packingTime: Duration }) => {
    await ctx.sleep(input.packingTime); // packing: a durable sleep
    return ctx.activity(shipOrder, { orderId: input.orderId, reservationId: input.reservationId });
  },
);

/** Why an order that did not ship was cancelled. */
interface Cancellation {
  readonly cancel: string;
}

export const orderSaga = defineWorkflow(
  'orderSaga',
  async (ctx, { order, settings }: OrderInput): Promise<OrderResult> => {
    // (`as`: TypeScript does not see the assignments made in the closures below.)
    let stage = 'charging' as OrderStage;
    ctx.onQuery('stage', () => stage);

    // Undo steps, pushed as each step succeeds, run in reverse order.
    const compensations: Array<() => Promise<unknown>> = [];
    let refundId = '';
    const compensate = async (): Promise<void> => {
      stage = 'compensating';
      for (const undo of [...compensations].reverse()) await undo();
      stage = 'cancelled';
    };

    const fulfil = async (): Promise<OrderResult | Cancellation> => {
      const { chargeId } = await ctx.activity(chargeCard, {
        orderId: order.id,
        cents: order.cents,
      });
      compensations.push(async () => {
        ({ refundId } = await ctx.activity(refundCard, {
          orderId: order.id,
          chargeId,
          cents: order.cents,
        }));
      });

      // withTimeout bounds the whole reservation, retries and backoff
      // included (the activity's timeoutMs only bounds one attempt).
      stage = 'reserving';
      const { reservationId } = await ctx.withTimeout(
        ctx.activity(reserveInventory, {
          orderId: order.id,
          number: order.number,
          sku: order.sku,
          quantity: order.quantity,
        }),
        settings.reservationDeadline,
      );
      compensations.push(() =>
        ctx.activity(releaseInventory, { orderId: order.id, reservationId }),
      );

      // Signals are buffered: an approval sent before we get here is not lost.
      stage = 'awaiting-approval';
      const approval = await ctx.signal<Approval>('approval', {
        timeout: settings.approvalTimeout,
      });
      if (!approval.approved) return { cancel: `rejected by ${approval.by}` };

      // A child workflow: its own history and id, its outcome recorded here.
      stage = 'shipping';
      const { trackingNumber } = await ctx.child(shipParcel, {
        orderId: order.id,
        reservationId,
        packingTime: settings.packingTime,
      });
      stage = 'shipped';
      return { status: 'shipped', orderId: order.id, chargeId, trackingNumber };
    };

    let outcome: OrderResult | Cancellation;
    try {
      outcome = await fulfil();
    } catch (error) {
      if (error instanceof TimeoutError) {
        outcome = {
          cancel:
            stage === 'reserving'
              ? `stock not confirmed within ${String(settings.reservationDeadline)}`
              : `not approved within ${String(settings.approvalTimeout)}`,
        };
      } else {
        // A step failed for good (the run then fails) or engine.cancel() was
        // called (the run then ends cancelled): undo what was done first.
        if (
          error instanceof ActivityFailedError ||
          error instanceof ChildWorkflowFailedError ||
          error instanceof CancelledError
        ) {
          await compensate();
        }
        throw error;
      }
    }
    if ('cancel' in outcome) {
      await compensate();
      return { status: 'cancelled', orderId: order.id, reason: outcome.cancel, refundId };
    }
    return outcome;
  },
);

/** The saga's workflows, for `Engine.open({ workflows })`. */
export const orderWorkflows = [orderSaga, shipParcel] as const;
