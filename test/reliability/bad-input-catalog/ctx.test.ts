import { describe, expect, it } from 'vitest';
import { AionError, defineActivity, defineWorkflow, replayHistory } from '../../../src/index.js';
import type {
  ActivityOptions,
  ChildOptions,
  Duration,
  SignalWaitOptions,
  WorkflowContext,
  WorkflowDefinition,
} from '../../../src/index.js';
import { TestEnvironment } from '../../../src/testing/index.js';
import {
  BAD_DURATIONS,
  BAD_IDS,
  BAD_PAYLOADS,
  describeCatalog,
  expectRefusal,
  untyped,
} from './catalog.js';
import type { CatalogCase, ErrorRefusal, Settlement } from './catalog.js';
import {
  MAX_PAYLOAD_BYTES,
  echo,
  quick,
  refusedWith,
  unregistered,
  waiter,
} from './engine-fixtures.js';

/**
 * The `ctx` surface: each bad command is made by workflow code, which must
 * see it refused at once with a typed error, and find that it recorded
 * nothing and allocated no ordinal: the good activity, timer and child that
 * follow still get ordinal 1, and history holds exactly their events.
 */
type Row = CatalogCase<WorkflowContext, ErrorRefusal>;

const INVALID = refusedWith('INVALID_ARGUMENT');

const ghost = defineActivity('ghost', async () => 'never');
const never = new Promise<never>(() => undefined);

const activityOptions = (options: unknown) => (ctx: WorkflowContext) =>
  ctx.activity(echo, 1, untyped<ActivityOptions>(options));
const childOptions = (options: unknown) => (ctx: WorkflowContext) =>
  ctx.child(quick, null, untyped<ChildOptions>(options));

const cases: Row[] = [
  ...BAD_DURATIONS.flatMap(([what, value]): Row[] => {
    const duration = untyped<Duration>(value);
    return [
      { what: `ctx.sleep of ${what}`, call: (ctx) => ctx.sleep(duration), refusal: INVALID },
      { what: `ctx.timer of ${what}`, call: (ctx) => ctx.timer(duration), refusal: INVALID },
      {
        what: `ctx.withTimeout of ${what}`,
        call: (ctx) => ctx.withTimeout(never, duration),
        refusal: INVALID,
      },
      {
        what: `ctx.signal with ${what} as timeout`,
        call: (ctx) => ctx.signal('go', { timeout: duration }),
        refusal: INVALID,
      },
      {
        what: `ctx.child with ${what} as executionTimeout`,
        call: childOptions({ executionTimeout: duration }),
        refusal: INVALID,
      },
    ];
  }),
  ...BAD_IDS.flatMap(([what, value]): Row[] => {
    const id = untyped<string>(value);
    return [
      { what: `ctx.signal with ${what} as name`, call: (ctx) => ctx.signal(id), refusal: INVALID },
      {
        what: `ctx.signalWorkflow to ${what}`,
        call: (ctx) => ctx.signalWorkflow(id, 'go', 1),
        refusal: INVALID,
      },
      {
        what: `ctx.signalWorkflow with ${what} as name`,
        call: (ctx) => ctx.signalWorkflow('waiting', id, 1),
        refusal: INVALID,
      },
      {
        what: `ctx.onQuery with ${what} as name`,
        call: (ctx) => ctx.onQuery(id, () => 1),
        refusal: INVALID,
      },
      {
        what: `ctx.child with ${what} as workflowId`,
        call: childOptions({ workflowId: id }),
        refusal: INVALID,
      },
      {
        what: `ctx.continueAsNew with ${what} as workflowType`,
        call: (ctx) => ctx.continueAsNew(1, { workflowType: id }),
        refusal: INVALID,
      },
    ];
  }),
  ...BAD_PAYLOADS.flatMap(([what, payload, code]): Row[] => [
    {
      what: `ctx.activity with ${what} as input`,
      call: (ctx) => ctx.activity(echo, payload()),
      refusal: refusedWith(code),
    },
    {
      what: `ctx.child with ${what} as input`,
      call: (ctx) => ctx.child(untyped<WorkflowDefinition>(quick), payload()),
      refusal: refusedWith(code),
    },
    {
      what: `ctx.startChild with ${what} as input`,
      call: (ctx) => ctx.startChild(untyped<WorkflowDefinition>(quick), payload()),
      refusal: refusedWith(code),
    },
    {
      what: `ctx.signalWorkflow with ${what} as payload`,
      call: (ctx) => ctx.signalWorkflow('waiting', 'go', payload()),
      refusal: refusedWith(code),
    },
    {
      what: `ctx.continueAsNew with ${what} as input`,
      call: (ctx) => ctx.continueAsNew(payload()),
      refusal: refusedWith(code),
    },
  ]),
  ...(
    [
      ['null options', null],
      ['options that are a number', 5],
      ['a null retry policy', { retry: null }],
      ['a retry policy that is a number', { retry: 5 }],
      ['retry.maxAttempts of 0', { retry: { maxAttempts: 0 } }],
      ['a NaN retry.maxAttempts', { retry: { maxAttempts: Number.NaN } }],
      ['a fractional retry.maxAttempts', { retry: { maxAttempts: 1.5 } }],
      ['a retry.maxAttempts string', { retry: { maxAttempts: '3' } }],
      ['a negative retry.initialIntervalMs', { retry: { initialIntervalMs: -1 } }],
      ['a retry.backoffCoefficient below 1', { retry: { backoffCoefficient: 0.5 } }],
      ['a NaN retry.maxIntervalMs', { retry: { maxIntervalMs: Number.NaN } }],
      ['retry.nonRetryable that is a string', { retry: { nonRetryable: 'CardDeclined' } }],
      ['retry.nonRetryable holding a number', { retry: { nonRetryable: [1] } }],
      ['a negative timeoutMs', { timeoutMs: -1 }],
      ['a NaN timeoutMs', { timeoutMs: Number.NaN }],
      ['an infinite timeoutMs', { timeoutMs: Number.POSITIVE_INFINITY }],
      ['a timeoutMs string', { timeoutMs: '5s' }],
      ['a zero heartbeatTimeoutMs', { heartbeatTimeoutMs: 0 }],
      ['a heartbeatTimeoutMs string', { heartbeatTimeoutMs: '5s' }],
    ] as const
  ).map(([what, options]): Row => ({
    what: `ctx.activity with ${what}`,
    call: activityOptions(options),
    refusal: INVALID,
  })),
  {
    what: 'ctx.activity of an unregistered activity',
    call: (ctx) => ctx.activity(ghost, 1),
    refusal: refusedWith('UNKNOWN_ACTIVITY_TYPE'),
  },
  ...(
    [
      ['null', null],
      ['a name instead of a definition', 'echo'],
      ['a workflow definition', waiter],
    ] as const
  ).map(([what, def]): Row => ({
    what: `ctx.activity of ${what}`,
    call: (ctx) => ctx.activity(untyped<typeof echo>(def), 1),
    refusal: INVALID,
  })),
  {
    what: 'ctx.child of an unregistered workflow',
    call: (ctx) => ctx.child(unregistered, untyped<never>(null)),
    refusal: refusedWith('UNKNOWN_WORKFLOW_TYPE'),
  },
  ...(
    [
      ['null', null],
      ['an activity definition', echo],
    ] as const
  ).map(([what, def]): Row => ({
    what: `ctx.child of ${what}`,
    call: (ctx) => ctx.child(untyped<typeof quick>(def), null),
    refusal: INVALID,
  })),
  { what: 'ctx.child with null options', call: childOptions(null), refusal: INVALID },
  { what: 'ctx.child with options that are a number', call: childOptions(5), refusal: INVALID },
  {
    what: "ctx.child with parentClosePolicy 'orphan'",
    call: childOptions({ parentClosePolicy: 'orphan' }),
    refusal: INVALID,
  },
  {
    what: 'ctx.startChild with an empty parentClosePolicy',
    call: (ctx) => ctx.startChild(quick, null, untyped<ChildOptions>({ parentClosePolicy: '' })),
    refusal: INVALID,
  },
  {
    what: 'ctx.signal with null options',
    call: (ctx) => ctx.signal('go', untyped<SignalWaitOptions>(null)),
    refusal: INVALID,
  },
  {
    what: 'ctx.signal with options that are a number',
    call: (ctx) => ctx.signal('go', untyped<SignalWaitOptions>(5)),
    refusal: INVALID,
  },
  {
    what: 'ctx.onQuery with a handler that is not a function',
    call: (ctx) => ctx.onQuery('state', untyped<() => unknown>(5)),
    refusal: INVALID,
  },
  {
    what: 'ctx.withTimeout of a number instead of a promise',
    call: (ctx) => ctx.withTimeout(untyped<Promise<unknown>>(5), '1s'),
    refusal: INVALID,
  },
  {
    what: 'ctx.withTimeout of null',
    call: (ctx) => ctx.withTimeout(untyped<Promise<unknown>>(null), '1s'),
    refusal: INVALID,
  },
  {
    what: 'ctx.continueAsNew with options that are a number',
    call: (ctx) => ctx.continueAsNew(1, untyped<{ workflowType?: string }>(5)),
    refusal: INVALID,
  },
];

/** What each bad command threw, by case index (the workflow runs in this process). */
const thrown = new Map<number, Settlement>();

/**
 * Makes bad command `index`, then a good activity, sleep and child, then
 * waits for `go` (the test crashes the engine meanwhile, so the run
 * replays: the refusal must happen again, or the code would diverge).
 */
const prober = defineWorkflow('prober', async (ctx, index: number) => {
  const row = cases[index] as Row;
  try {
    await row.call(ctx);
    thrown.set(index, { threw: false, value: undefined });
  } catch (error) {
    thrown.set(index, { threw: true, error });
  }
  const echoed = await ctx.activity(echo, 'good');
  await ctx.sleep('1s');
  const child = await ctx.startChild(quick, null);
  await child.result();
  await ctx.signal('go');
  return { echoed, child: child.workflowId };
});

/** Exactly what the good commands record: nothing of the bad one. */
const GOOD_HISTORY = [
  'WorkflowStarted',
  'ActivityScheduled',
  'ActivityCompleted',
  'TimerStarted',
  'TimerFired',
  'ChildWorkflowStarted',
  'ChildWorkflowCompleted',
  'SignalReceived',
  'WorkflowCompleted',
];

async function probe(index: number): Promise<{ env: TestEnvironment; settlement: Settlement }> {
  const env = await TestEnvironment.create({
    workflows: [prober, quick, waiter],
    activities: [echo],
    engine: { maxPayloadBytes: MAX_PAYLOAD_BYTES },
  });
  await env.engine.start(waiter, null, { workflowId: 'waiting' });
  await env.engine.start(prober, index, { workflowId: 'prober' });
  await env.skip('2s');
  const settlement = thrown.get(index) as Settlement;
  await env.crash();
  await env.engine.signal('prober', 'go');
  const handle = await env.engine.getHandle('prober');
  expect(await env.result(handle)).toEqual({ echoed: 'good', child: 'prober/1' });
  const history = await handle.history();
  expect(history.map((e) => e.type)).toEqual(GOOD_HISTORY);
  expect(history[1]).toMatchObject({ activityId: 1 });
  expect(history[3]).toMatchObject({ timerId: 't1', durationMs: 1_000 });
  // No run started, no signal sent by the refused command.
  expect((await env.engine.list()).items.map((r) => r.workflowId).sort()).toEqual([
    'prober',
    'prober/1',
    'waiting',
  ]);
  expect((await env.engine.history('waiting')).map((e) => e.type)).toEqual(['WorkflowStarted']);
  // `aion replay` agrees, but for refusals that need the engine's registry.
  const code = (cases[index] as Row).refusal.code;
  if (code !== 'UNKNOWN_ACTIVITY_TYPE' && code !== 'UNKNOWN_WORKFLOW_TYPE') {
    const replay = await replayHistory(prober, history, { maxPayloadBytes: MAX_PAYLOAD_BYTES });
    expect(replay.ok, replay.ok ? '' : replay.error.message).toBe(true);
  }
  return { env, settlement };
}

describeCatalog('ctx methods inside workflows', cases, async (row) => {
  const { env, settlement } = await probe(cases.indexOf(row));
  try {
    expectRefusal(settlement, row.refusal);
  } finally {
    await env.close();
  }
});

describe('ctx bad input: what it leaves alone', () => {
  it('refuses a bad signal timeout without consuming a buffered signal', async () => {
    const picky = defineWorkflow('picky', async (ctx, _input: null) => {
      await ctx.sleep('1s'); // the signal arrives meanwhile
      const refused = await ctx.signal('go', { timeout: 'whenever' }).then(
        () => 'consumed',
        (error: unknown) => (error instanceof AionError ? error.code : 'other'),
      );
      return { refused, next: await ctx.signal('go') };
    });
    const env = await TestEnvironment.create({ workflows: [picky] });
    try {
      const handle = await env.engine.start(picky, null);
      await env.idle();
      await handle.signal('go', 'buffered');
      expect(await env.result(handle)).toEqual({ refused: 'INVALID_ARGUMENT', next: 'buffered' });
    } finally {
      await env.close();
    }
  });

  it('fails a run that continues as new to a type the engine does not run, instead of blocking the next run', async () => {
    const leaver = defineWorkflow('leaver', async (ctx, _input: null) =>
      ctx.continueAsNew(1, { workflowType: 'nowhere' }),
    );
    const env = await TestEnvironment.create({ workflows: [leaver] });
    try {
      const handle = await env.engine.start(leaver, null, { workflowId: 'leaver' });
      await expect(env.result(handle)).rejects.toMatchObject({
        code: 'WORKFLOW_FAILED',
        cause: { code: 'UNKNOWN_WORKFLOW_TYPE' },
      });
      const runs = (await env.engine.list()).items;
      expect(runs.map((r) => [r.workflowId, r.status])).toEqual([['leaver', 'failed']]);
    } finally {
      await env.close();
    }
  });
});
