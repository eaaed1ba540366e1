import {
  AionError,
  EngineClosedError,
  InvalidArgumentError,
  PayloadError,
  WorkflowAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowNotRunningError,
  defineActivity,
  defineWorkflow,
} from '../../../src/index.js';
import type { Engine, WorkflowHandle } from '../../../src/index.js';
import { TestEnvironment } from '../../../src/testing/index.js';
import { expect } from 'vitest';
import { expectRefusal, refused, settle, tablesOf } from './catalog.js';
import type { ErrorClass, ErrorRefusal } from './catalog.js';

/** The class each engine error code comes with (docs/errors.md). */
const CLASS_OF_CODE: Readonly<Record<string, ErrorClass>> = {
  INVALID_ARGUMENT: InvalidArgumentError,
  PAYLOAD_NOT_SERIALIZABLE: PayloadError,
  PAYLOAD_TOO_LARGE: PayloadError,
  WORKFLOW_NOT_FOUND: WorkflowNotFoundError,
  WORKFLOW_NOT_RUNNING: WorkflowNotRunningError,
  WORKFLOW_ALREADY_STARTED: WorkflowAlreadyStartedError,
  ENGINE_CLOSED: EngineClosedError,
};

/** The refusal of an engine call: `code`, with the class docs/errors.md gives it. */
export function refusedWith(code: string): ErrorRefusal {
  return refused(CLASS_OF_CODE[code] ?? AionError, code);
}

/** The largest payload in the catalog's engines: small, so that oversized inputs stay cheap. */
export const MAX_PAYLOAD_BYTES = 1_024;

export const echo = defineActivity('echo', async (value: unknown) => value);

/** Takes `go` signals until one says `stop`; answers the `state` query. */
export const waiter = defineWorkflow('waiter', async (ctx, _input: unknown) => {
  ctx.onQuery('state', () => 'waiting');
  for (;;) {
    if ((await ctx.signal<unknown>('go')) === 'stop') return 'stopped';
  }
});

/** Sleeps an hour: a run with a due-timer index entry. */
export const sleeper = defineWorkflow('sleeper', async (ctx, _input: unknown) => {
  await ctx.sleep('1h');
  return 'woke';
});

/** Continues as new once, then waits like {@link waiter}. */
export const chained = defineWorkflow('chained', async (ctx, round: number): Promise<unknown> => {
  if (round === 0) return ctx.continueAsNew(1);
  return ctx.signal('go');
});

export const quick = defineWorkflow('quick', async (_ctx, _input: unknown) => 'quick');

/** Registered nowhere. */
export const unregistered = defineWorkflow('unregistered', async () => 'never');

export const catalogWorkflows = [waiter, sleeper, chained, quick];

/** An engine on a MemoryStore with one run in every state a bad call could touch. */
export interface EngineSubject {
  readonly env: TestEnvironment;
  readonly engine: Engine;
  /** `done`: a completed run. */
  readonly done: WorkflowHandle;
  /** `waiting`: a running run waiting for signals. */
  readonly waiting: WorkflowHandle;
  /** `sleeping`: a running run with a pending timer. */
  readonly sleeping: WorkflowHandle;
  /** `chain`: the first run of a continue-as-new chain (ended), and the latest (waiting). */
  readonly oldChain: WorkflowHandle;
  readonly chain: WorkflowHandle;
}

/** Creates the {@link EngineSubject}; close it with `subject.env.close()`. */
export async function engineSubject(): Promise<EngineSubject> {
  const env = await TestEnvironment.create({
    workflows: catalogWorkflows,
    activities: [echo],
    engine: { maxPayloadBytes: MAX_PAYLOAD_BYTES },
  });
  const { engine } = env;
  const done = await engine.start(quick, null, { workflowId: 'done' });
  await env.result(done);
  const waiting = await engine.start(waiter, null, { workflowId: 'waiting' });
  const sleeping = await engine.start(sleeper, null, { workflowId: 'sleeping' });
  const oldChain = await engine.start(chained, 0, { workflowId: 'chain' });
  await env.idle();
  const chain = await engine.getHandle('chain');
  return { env, engine, done, waiting, sleeping, oldChain, chain };
}

/** Proves the engine still serves: the waiting run takes a signal and ends. */
export async function expectStillServing(subject: EngineSubject): Promise<string> {
  await subject.waiting.signal('go', 'stop');
  return subject.env.result(subject.waiting) as Promise<string>;
}

/**
 * Checks one refused call on a live engine: refused as `row` says, the
 * store byte for byte as it was, and the engine still serving.
 */
export async function expectLiveRefusal(
  subject: EngineSubject,
  row: { readonly call: (s: EngineSubject) => unknown; readonly refusal: ErrorRefusal },
): Promise<void> {
  const before = tablesOf(subject.env.store.data);
  expectRefusal(await settle(() => row.call(subject)), row.refusal);
  await subject.env.idle();
  expect(tablesOf(subject.env.store.data)).toEqual(before);
  expect(await expectStillServing(subject)).toBe('stopped');
}
