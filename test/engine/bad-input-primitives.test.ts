import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AionError, defineActivity, defineWorkflow } from '../../src/index.js';
import type {
  Duration,
  ParentClosePolicy,
  WorkflowContext,
  WorkflowHandle,
} from '../../src/index.js';
import { TestEnvironment } from '../../src/testing/index.js';

const echo = defineActivity('echo', async (value: unknown) => value);

/** Waits for one `go` signal; answers the `state` query. */
const waiter = defineWorkflow('waiter', async (ctx, _input: null) => {
  ctx.onQuery('state', () => 'waiting');
  return ctx.signal('go');
});

/** Continues as new once, then waits like `waiter`. */
const chained = defineWorkflow('chained', async (ctx, round: number): Promise<unknown> => {
  if (round === 0) return ctx.continueAsNew(1);
  return ctx.signal('go');
});

const quick = defineWorkflow('quick', async (_ctx, _input: null) => 'quick');

let env: TestEnvironment;
let waiting: WorkflowHandle;
let oldRun: WorkflowHandle;

beforeEach(async () => {
  env = await TestEnvironment.create({
    workflows: [waiter, chained],
    activities: [echo],
    engine: { maxPayloadBytes: 1_024 },
  });
  const done = await env.engine.start(waiter, null, { workflowId: 'done' });
  await done.signal('go', 1);
  await env.result(done);
  waiting = await env.engine.start(waiter, null, { workflowId: 'waiting' });
  oldRun = await env.engine.start(chained, 0, { workflowId: 'chain' });
  await env.idle();
});

afterEach(async () => {
  await env.close();
});

/** Everything the store holds that a call could change. */
async function snapshot(): Promise<unknown> {
  await env.idle();
  const runs = await env.store.listRuns({ limit: 1_000 });
  const histories = await Promise.all(
    runs.items.map((run) => env.store.readHistory(run.workflowId, run.runId)),
  );
  return {
    runs,
    histories,
    commits: env.store.stats().commits,
    nonTerminal: await env.store.listNonTerminal(),
    timers: await env.store.nextTimers(1_000),
  };
}

async function codeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    return error instanceof AionError ? error.code : `not an AionError: ${String(error)}`;
  }
  return 'resolved';
}

class Point {
  constructor(readonly x: number) {}
  twice(): number {
    return this.x * 2;
  }
}

const BAD_NAMES: Array<[string, string]> = [
  ['an empty name', ''],
  ['a name of 257 characters', 'n'.repeat(257)],
  ['a name with a NUL', 'a\u0000b'],
  ['a name with a newline', 'a\nb'],
  ['a name with DEL', 'a\u007f'],
];

const BAD_PAYLOADS: Array<[string, unknown, string]> = [
  ['a function', () => 1, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a class instance with methods', { at: new Point(1) }, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a symbol', { s: Symbol('s') }, 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a payload over maxPayloadBytes', 'x'.repeat(2_000), 'PAYLOAD_TOO_LARGE'],
];

const engineCalls: Array<[string, () => Promise<unknown>, string]> = [
  ...BAD_NAMES.flatMap(([what, name]): Array<[string, () => Promise<unknown>, string]> => [
    [`a signal with ${what}`, () => env.engine.signal('waiting', name, 1), 'INVALID_ARGUMENT'],
    [`a handle signal with ${what}`, () => waiting.signal(name, 1), 'INVALID_ARGUMENT'],
    [`a query with ${what}`, () => env.engine.query('waiting', name), 'INVALID_ARGUMENT'],
    [`a handle query with ${what}`, () => waiting.query(name), 'INVALID_ARGUMENT'],
    [
      `signalWithStart with ${what}`,
      () => env.engine.signalWithStart(waiter, null, name, 1, { workflowId: 'fresh' }),
      'INVALID_ARGUMENT',
    ],
  ]),
  ...BAD_PAYLOADS.flatMap(
    ([what, payload, code]): Array<[string, () => Promise<unknown>, string]> => [
      [`a signal carrying ${what}`, () => env.engine.signal('waiting', 'go', payload), code],
      [
        `signalWithStart carrying ${what} to a new run`,
        () => env.engine.signalWithStart(waiter, null, 'go', payload, { workflowId: 'fresh' }),
        code,
      ],
      [
        `signalWithStart carrying ${what} to a running run`,
        () => env.engine.signalWithStart(waiter, null, 'go', payload, { workflowId: 'waiting' }),
        code,
      ],
    ],
  ),
  ['a signal to an ended run', () => env.engine.signal('done', 'go', 1), 'WORKFLOW_NOT_RUNNING'],
  ['a signal to an unknown id', () => env.engine.signal('nobody', 'go', 1), 'WORKFLOW_NOT_FOUND'],
  ['a signal to an earlier run of a chain', () => oldRun.signal('go', 1), 'WORKFLOW_NOT_RUNNING'],
  ['a query to an ended run', () => env.engine.query('done', 'state'), 'WORKFLOW_NOT_RUNNING'],
  ['a query to an unknown id', () => env.engine.query('nobody', 'state'), 'WORKFLOW_NOT_FOUND'],
  ['a cancel of an ended run', () => env.engine.cancel('done'), 'WORKFLOW_NOT_RUNNING'],
  ['a cancel of an unknown id', () => env.engine.cancel('nobody'), 'WORKFLOW_NOT_FOUND'],
  ['a terminate of an ended run', () => env.engine.terminate('done'), 'WORKFLOW_NOT_RUNNING'],
  ['a terminate of an unknown id', () => env.engine.terminate('nobody'), 'WORKFLOW_NOT_FOUND'],
  ['a cancel of an earlier run of a chain', () => oldRun.cancel(), 'WORKFLOW_NOT_RUNNING'],
  ['a terminate of an earlier run of a chain', () => oldRun.terminate(), 'WORKFLOW_NOT_RUNNING'],
  [
    'a terminate reason that is not a string',
    () => env.engine.terminate('waiting', 42 as unknown as string),
    'INVALID_ARGUMENT',
  ],
  [
    'signalWithStart without a workflowId',
    () =>
      env.engine.signalWithStart(waiter, null, 'go', 1, {} as unknown as { workflowId: string }),
    'INVALID_ARGUMENT',
  ],
  [
    'signalWithStart of an unknown type',
    () => env.engine.signalWithStart('nope', null, 'go', 1, { workflowId: 'fresh' }),
    'UNKNOWN_WORKFLOW_TYPE',
  ],
  [
    'signalWithStart with a bad executionTimeout',
    () =>
      env.engine.signalWithStart(waiter, null, 'go', 1, {
        workflowId: 'fresh',
        executionTimeout: 'soonish',
      }),
    'INVALID_ARGUMENT',
  ],
  [
    'a start with idempotent that is not a boolean',
    () =>
      env.engine.start(waiter, null, {
        workflowId: 'fresh',
        idempotent: 'yes' as unknown as boolean,
      }),
    'INVALID_ARGUMENT',
  ],
  [
    'getHandle with a bad run id',
    () => env.engine.getHandle('waiting', 'r\u0001'),
    'INVALID_ARGUMENT',
  ],
];

describe('bad input to signals, queries, cancel, terminate and signalWithStart', () => {
  it.each(engineCalls)('rejects %s with its code and writes nothing', async (_what, call, code) => {
    const before = await snapshot();
    expect(await codeOf(call)).toBe(code);
    expect(await snapshot()).toEqual(before);
    // The engine keeps serving the waiting run.
    await waiting.signal('go', 'fine');
    expect(await env.result(waiting)).toBe('fine');
  });
});

/** A bad `ctx` call, made by the workflow, that must fail with `code` and record nothing. */
interface BadCommand {
  readonly what: string;
  readonly code: string;
  call(ctx: WorkflowContext): unknown;
}

const BAD_DURATIONS: Array<[string, Duration]> = [
  ['that does not parse', 'soonish'],
  ['that is negative', -1],
  ['that is NaN', Number.NaN],
  ['that is infinite', Number.POSITIVE_INFINITY],
  ['that is empty', ''],
];

const badCommands: BadCommand[] = [
  ...BAD_DURATIONS.flatMap(([what, duration]): BadCommand[] => [
    {
      what: `ctx.sleep with a duration ${what}`,
      code: 'INVALID_ARGUMENT',
      call: (ctx) => ctx.sleep(duration),
    },
    {
      what: `ctx.timer with a duration ${what}`,
      code: 'INVALID_ARGUMENT',
      call: (ctx) => ctx.timer(duration),
    },
    {
      what: `ctx.withTimeout with a duration ${what}`,
      code: 'INVALID_ARGUMENT',
      call: (ctx) => ctx.withTimeout(new Promise(() => undefined), duration),
    },
    {
      what: `ctx.signal with a timeout ${what}`,
      code: 'INVALID_ARGUMENT',
      call: (ctx) => ctx.signal('go', { timeout: duration }),
    },
    {
      what: `ctx.child with an executionTimeout ${what}`,
      code: 'INVALID_ARGUMENT',
      call: (ctx) => ctx.child(waiter, null, { executionTimeout: duration }),
    },
  ]),
  {
    what: 'ctx.child with an invalid parentClosePolicy',
    code: 'INVALID_ARGUMENT',
    call: (ctx) =>
      ctx.child(waiter, null, { parentClosePolicy: 'orphan' as unknown as ParentClosePolicy }),
  },
  {
    what: 'ctx.startChild with an invalid parentClosePolicy',
    code: 'INVALID_ARGUMENT',
    call: (ctx) =>
      ctx.startChild(waiter, null, { parentClosePolicy: '' as unknown as ParentClosePolicy }),
  },
  {
    what: 'ctx.child with a workflow id with a control character',
    code: 'INVALID_ARGUMENT',
    call: (ctx) => ctx.child(waiter, null, { workflowId: 'child\u0007' }),
  },
  {
    what: 'ctx.child with a non-serializable input',
    code: 'PAYLOAD_NOT_SERIALIZABLE',
    call: (ctx) => ctx.child(waiter, (() => null) as unknown as null),
  },
  {
    what: 'ctx.signal with an empty name',
    code: 'INVALID_ARGUMENT',
    call: (ctx) => ctx.signal(''),
  },
  {
    what: 'ctx.signalWorkflow to an empty workflow id',
    code: 'INVALID_ARGUMENT',
    call: (ctx) => ctx.signalWorkflow('', 'go', 1),
  },
  {
    what: 'ctx.signalWorkflow with a name with a newline',
    code: 'INVALID_ARGUMENT',
    call: (ctx) => ctx.signalWorkflow('waiting', 'g\no', 1),
  },
  {
    what: 'ctx.signalWorkflow with a non-serializable payload',
    code: 'PAYLOAD_NOT_SERIALIZABLE',
    call: (ctx) => ctx.signalWorkflow('waiting', 'go', { f: () => 1 }),
  },
  {
    what: 'ctx.continueAsNew with a non-serializable input',
    code: 'PAYLOAD_NOT_SERIALIZABLE',
    call: (ctx) => ctx.continueAsNew(Symbol('next')),
  },
  {
    what: 'ctx.activity with a non-serializable input',
    code: 'PAYLOAD_NOT_SERIALIZABLE',
    call: (ctx) => ctx.activity(echo, new Point(2)),
  },
];

/** Makes the bad call, then one good sleep, and returns the code the bad call failed with. */
const prober = defineWorkflow('prober', async (ctx, index: number) => {
  const bad = badCommands[index] as BadCommand;
  let code = 'no error';
  try {
    await bad.call(ctx);
  } catch (error) {
    code = error instanceof AionError ? error.code : `not an AionError: ${String(error)}`;
  }
  // A refused command allocates nothing: the first good timer is still t1,
  // the first good child still `${workflowId}/1`.
  await ctx.sleep('1s');
  const child = await ctx.startChild(quick, null);
  await child.result();
  return { code, child: child.workflowId };
});

describe('bad input to ctx commands', () => {
  it.each(badCommands.map((bad, i) => [bad.what, i, bad.code] as const))(
    'refuses %s inside the workflow and records nothing for it',
    async (_what, index, code) => {
      const local = await TestEnvironment.create({
        workflows: [prober, waiter, quick],
        activities: [echo],
      });
      try {
        const handle = await local.engine.start(prober, index, { workflowId: 'prober' });
        expect(await local.result(handle)).toEqual({ code, child: 'prober/1' });
        const history = await handle.history();
        expect(history.map((e) => e.type)).toEqual([
          'WorkflowStarted',
          'TimerStarted',
          'TimerFired',
          'ChildWorkflowStarted',
          'ChildWorkflowCompleted',
          'WorkflowCompleted',
        ]);
        expect(history[1]).toMatchObject({ timerId: 't1', durationMs: 1_000 });
        expect((await local.engine.list()).items.map((r) => r.workflowId).sort()).toEqual([
          'prober',
          'prober/1',
        ]);
      } finally {
        await local.close();
      }
    },
  );

  it('refuses a bad signal timeout without consuming a buffered signal', async () => {
    const picky = defineWorkflow('picky', async (ctx, _input: null) => {
      await ctx.sleep('1s'); // the signal arrives meanwhile
      const refused = await ctx.signal('go', { timeout: 'whenever' }).then(
        () => 'consumed',
        (error: unknown) => (error instanceof AionError ? error.code : 'other'),
      );
      return { refused, next: await ctx.signal('go') };
    });
    const local = await TestEnvironment.create({ workflows: [picky] });
    try {
      const handle = await local.engine.start(picky, null);
      await local.idle();
      await handle.signal('go', 'buffered');
      expect(await local.result(handle)).toEqual({ refused: 'INVALID_ARGUMENT', next: 'buffered' });
    } finally {
      await local.close();
    }
  });
});
