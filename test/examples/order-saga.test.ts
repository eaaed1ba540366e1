import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine, WorkflowCancelledError } from 'aion-ts';
import type { HistoryEvent, WorkflowHandle } from 'aion-ts';
import { filter, firstValueFrom } from 'rxjs';
import { orderActivities, orderSaga, orderWorkflows } from '../../docs/examples/order-saga.js';
import type { OrderInput, OrderResult } from '../../docs/examples/order-saga.js';

let engine: Engine | undefined;
let store: string | undefined;
afterEach(async () => {
  await engine?.close();
  if (store !== undefined) await rm(store, { recursive: true, force: true });
  engine = undefined;
  store = undefined;
});

async function openEngine(): Promise<Engine> {
  store = await mkdtemp(join(tmpdir(), 'aion-saga-'));
  engine = await Engine.open({
    store,
    workflows: [...orderWorkflows],
    activities: [...orderActivities],
  });
  return engine;
}

function input(number: number): OrderInput {
  return {
    order: { id: `o-${number}`, number, sku: 'SKU-1', quantity: 1, cents: 990 },
    settings: { packingTime: '50ms', approvalTimeout: '300ms', reservationDeadline: '5s' },
  };
}

/** Resolves once the order waits for its approval (the durable timer of that wait is armed). */
function awaitingApproval(handle: WorkflowHandle<OrderResult>): Promise<HistoryEvent> {
  return firstValueFrom(
    handle.events$.pipe(
      filter((event) => event.type === 'TimerStarted' && event.kind === 'signal-timeout'),
    ),
  );
}

async function activityTypes(handle: WorkflowHandle<OrderResult>): Promise<string[]> {
  const history = await handle.history();
  return history.flatMap((event) =>
    event.type === 'ActivityScheduled' ? [event.activityType] : [],
  );
}

describe('order saga (docs/examples/order-saga.ts)', () => {
  it('ships an approved order through its shipping child', async () => {
    const e = await openEngine();
    const handle = await e.start(orderSaga, input(1), { workflowId: 'o-1' });
    await awaitingApproval(handle);
    expect(await handle.query('stage')).toBe('awaiting-approval');
    await handle.signal('approval', { approved: true, by: 'test' });
    expect(await handle.result()).toMatchObject({ status: 'shipped', trackingNumber: 'TRK-o-1' });
    expect(await activityTypes(handle)).toEqual(['chargeCard', 'reserveInventory']);
    const child = await e.describe('o-1/1');
    expect(child).toMatchObject({ workflowType: 'shipParcel', status: 'completed' });
  });

  it('retries the flaky reservation of every third order', async () => {
    const e = await openEngine();
    const handle = await e.start(orderSaga, input(3), { workflowId: 'o-3' });
    await e.signal('o-3', 'approval', { approved: true, by: 'test' }); // buffered until asked
    expect(await handle.result()).toMatchObject({ status: 'shipped' });
    const failures = (await handle.history()).filter((event) => event.type === 'ActivityFailed');
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({
      attempt: 1,
      retryable: true,
      error: { name: 'WarehouseBusy' },
    });
  });

  it('cancels with compensation when no approval arrives in time', async () => {
    const e = await openEngine();
    const handle = await e.start(orderSaga, input(7), { workflowId: 'o-7' });
    const result = await handle.result();
    expect(result).toMatchObject({
      status: 'cancelled',
      reason: 'not approved within 300ms',
      refundId: expect.stringMatching(/^re_ch_/) as unknown,
    });
    expect(await activityTypes(handle)).toEqual([
      'chargeCard',
      'reserveInventory',
      'releaseInventory',
      'refundCard',
    ]);
  });

  it('cancels with compensation when the approval says no', async () => {
    const e = await openEngine();
    const handle = await e.start(orderSaga, input(2), { workflowId: 'o-2' });
    await handle.signal('approval', { approved: false, by: 'grace' });
    expect(await handle.result()).toMatchObject({
      status: 'cancelled',
      reason: 'rejected by grace',
    });
  });

  it('compensates and ends cancelled on engine.cancel', async () => {
    const e = await openEngine();
    const handle = await e.start(orderSaga, input(4), { workflowId: 'o-4' });
    await awaitingApproval(handle);
    await handle.cancel('customer changed their mind');
    await expect(handle.result()).rejects.toBeInstanceOf(WorkflowCancelledError);
    expect((await activityTypes(handle)).slice(2)).toEqual(['releaseInventory', 'refundCard']);
  });
});
