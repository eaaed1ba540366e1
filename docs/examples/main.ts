/**
 * The main job: `npm start`.
 *
 * Runs a batch of order sagas (docs/examples/order-saga.ts) on the embedded
 * store in ./.aion with a progress bar, then prints a summary. Interrupted
 * (Ctrl-C, kill -9, power cut), the next `npm start` finds the unfinished
 * batch in the store and waits for its runs, which the engine recovered on
 * open, instead of starting a new batch; after a complete batch it starts
 * the next one.
 *
 * Environment: AION_STORE (./.aion), AION_ORDERS (200), AION_SLEEP (2s),
 * AION_APPROVAL_TIMEOUT (3s), AION_RESERVATION_DEADLINE (30s).
 */
import { AionError, Engine, ErrorCode } from 'aion-ts';
import type { WorkflowDescription } from 'aion-ts';
import { auditTime, filter, firstValueFrom, map, merge, startWith, tap } from 'rxjs';
import { createApprover } from './main-job/approver.js';
import type { Approver } from './main-job/approver.js';
import { readConfig } from './main-job/config.js';
import { batchWorkflowId, openBatch, orderBatch, orderWorkflowId } from './main-job/order-batch.js';
import type { BatchPlan } from './main-job/order-batch.js';
import { createProgress } from './main-job/progress.js';
import { formatSummary, summarizeBatch } from './main-job/summary.js';
import { orderActivities, orderSaga, orderWorkflows } from './order-saga.js';
import type { OrderInput, OrderStage } from './order-saga.js';

const sessionStart = Date.now();
let engine: Engine | undefined;
let interrupted = false;
let stopProgress = (): void => undefined;

/** Orders (of any batch) whose run ended, by workflow id: fed by outcomes$ and by the store. */
const finished = new Set<string>();
/** This session's activity counters, fed by the events$ firehose. */
const counters = { activities: 0, retries: 0 };

async function main(): Promise<void> {
  const config = readConfig(process.env);
  engine = await Engine.open({
    store: config.store,
    workflows: [...orderWorkflows, orderBatch],
    activities: [...orderActivities],
  });
  // Subscribe at once: the runs the engine recovered on open are already running.
  engine.outcomes$.subscribe((notice) => {
    if (notice.workflowType === orderSaga.name) finished.add(notice.workflowId);
  });
  engine.events$.subscribe((event) => {
    if (event.type === 'ActivityCompleted') counters.activities++;
    if (event.type === 'ActivityFailed' && event.nextAttemptAt !== undefined) counters.retries++;
  });
  // A blocked run would keep the batch from finishing: say so rather than hang quietly.
  engine.supervision$.subscribe((event) => {
    if (event.type !== 'blocked') return;
    const why = event.error instanceof Error ? event.error.message : String(event.error);
    console.error(`\nblocked: ${event.path.at(-1) ?? '?'}: ${why}`);
  });

  const { plan, resumed, startedAt } = await openBatch(engine, config);
  const ids = Array.from({ length: plan.orders }, (_, i) => orderWorkflowId(plan.batch, i + 1));
  const range = `${ids[0]} .. ${ids.at(-1)}`;
  console.log(`aion-ts order saga, store ${config.store}`);
  console.log(
    `${resumed ? 'Resuming' : 'Starting'} batch ${plan.batch}: ${plan.orders} orders (${range})`,
  );
  if (resumed && plan.orders !== config.orders) {
    console.log(`  (AION_ORDERS=${config.orders} applies to the next batch)`);
  }

  const approver = createApprover(engine, plan);
  const found = await startBatch(engine, plan, approver);
  if (resumed) console.log(describeResume(found));

  await waitForBatch(engine, ids);
  await approver.stop();
  const summary = await summarizeBatch(engine, plan);
  // Close the batch marker. (After a crash right here, the next start may
  // find the marker still running, with this signal already recorded.)
  const marker = await engine.getHandle(batchWorkflowId(plan.batch));
  const report = { shipped: summary.shipped, cancelled: summary.cancelled, failed: summary.failed };
  await ignoreEnded(marker.signal('complete', report));
  await marker.result();
  const now = Date.now();
  const session = { elapsedMs: now - sessionStart, batchElapsedMs: now - startedAt, resumed };
  console.log(formatSummary(plan, summary, session));
  console.log(`Run \`npm start\` again to start batch ${plan.batch + 1}.`);
  await engine.close();
}

/** What `startBatch` found in the store. */
interface BatchState {
  /** Orders whose run had ended before this process started. */
  endedBefore: number;
  /** Orders whose run was in flight when the last process stopped: the engine recovered them on open. */
  recovered: number;
  /** Orders that had no run yet (a crash hit while the batch was being started). */
  started: number;
  /** The `stage` query's answers for the recovered orders still running. */
  stages: Record<string, number>;
}

/**
 * Makes sure every order of the batch has a run: starts the missing ones
 * (all of them for a new batch), and for the orders recovered from the
 * store asks their stage and catches up on approvals.
 */
async function startBatch(
  engine: Engine,
  plan: BatchPlan,
  approver: Approver,
): Promise<BatchState> {
  const state: BatchState = { endedBefore: 0, recovered: 0, started: 0, stages: {} };
  const one = async (n: number): Promise<void> => {
    const workflowId = orderWorkflowId(plan.batch, n);
    const run = await describeOrNothing(engine, workflowId);
    if (run === undefined) {
      const order = {
        id: workflowId,
        number: n,
        sku: `SKU-${n % 17}`,
        quantity: 1 + (n % 3),
        cents: 500 + n,
      };
      const input: OrderInput = { order, settings: plan.settings };
      await engine.start(orderSaga, input, { workflowId });
      state.started++;
      return;
    }
    if (run.closedAt !== undefined && run.closedAt < sessionStart) {
      state.endedBefore++;
      finished.add(workflowId);
      return;
    }
    state.recovered++;
    if (run.status !== 'running') {
      finished.add(workflowId); // it ended while the engine was opening
      return;
    }
    approver.catchUp(workflowId, await engine.history(workflowId));
    const stage = await ignoreEnded(engine.query<OrderStage>(workflowId, 'stage'));
    if (stage !== undefined) state.stages[stage] = (state.stages[stage] ?? 0) + 1;
  };
  // A few hundred at a time keeps memory flat for big batches.
  for (let first = 1; first <= plan.orders; first += 256) {
    const last = Math.min(plan.orders, first + 255);
    await Promise.all(Array.from({ length: last - first + 1 }, (_, i) => one(first + i)));
  }
  return state;
}

function describeResume(found: BatchState): string {
  const stages = Object.entries(found.stages)
    .map(([stage, count]) => `${stage} ${count}`)
    .join(', ');
  return (
    `  ${found.endedBefore} ended before this session, ${found.recovered} recovered from the store` +
    (stages === '' ? '' : ` (now: ${stages})`) +
    (found.started > 0 ? `, ${found.started} never started: started now` : '')
  );
}

async function describeOrNothing(
  engine: Engine,
  workflowId: string,
): Promise<WorkflowDescription | undefined> {
  try {
    return await engine.describe(workflowId);
  } catch (error) {
    if (error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_FOUND) return undefined;
    throw error;
  }
}

/** A run may end between our look at it and our call: that is fine here. */
async function ignoreEnded<T>(call: Promise<T>): Promise<T | undefined> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_RUNNING)
      return undefined;
    throw error;
  }
}

/**
 * Shows progress until every order of the batch has ended: the bar moves
 * on engine.outcomes$ (finished orders) and engine.events$ (activities).
 */
async function waitForBatch(engine: Engine, ids: readonly string[]): Promise<void> {
  const done = (): number => ids.reduce((sum, id) => sum + (finished.has(id) ? 1 : 0), 0);
  const progress = createProgress(ids.length, done());
  stopProgress = () => progress.stop();
  try {
    await firstValueFrom(
      merge(engine.outcomes$, engine.events$).pipe(
        startWith(undefined),
        auditTime(50), // at most 20 redraws a second, however busy the engine is
        map(done),
        tap((count) => progress.update({ finished: count, ...counters })),
        filter((count) => count === ids.length),
      ),
    );
  } finally {
    progress.stop();
  }
}

/** Ctrl-C (or kill): close the engine cleanly and exit; the next `npm start` resumes. */
function interrupt(signal: NodeJS.Signals, code: number): void {
  if (interrupted) process.exit(code); // a second Ctrl-C: do not wait
  interrupted = true;
  stopProgress();
  console.log(`\n${signal}: closing the engine. Run \`npm start\` again to resume the batch.`);
  const closing = engine?.close() ?? Promise.resolve();
  closing.then(
    () => process.exit(code),
    () => process.exit(code),
  );
}
process.on('SIGINT', () => interrupt('SIGINT', 130));
process.on('SIGTERM', () => interrupt('SIGTERM', 143));

main().catch(async (error: unknown) => {
  if (interrupted) return; // calls cut short by close(): expected
  console.error(error);
  process.exitCode = 1;
  await engine?.close();
});
