import { afterEach, describe, expect, it } from 'vitest';
import { Engine, defineActivity, defineWorkflow } from '../../../src/index.js';
import type { EngineOptions, ListFilter, StartOptions } from '../../../src/index.js';
import { MemoryStore } from '../../../src/testing/index.js';
import {
  BAD_DURATIONS,
  BAD_IDS,
  BAD_PAYLOADS,
  describeCatalog,
  expectRefusal,
  settle,
  tablesOf,
  untyped,
} from './catalog.js';
import type { CatalogCase, ErrorRefusal } from './catalog.js';
import {
  catalogWorkflows,
  echo,
  engineSubject,
  expectLiveRefusal,
  quick,
  refusedWith,
  unregistered,
  waiter,
} from './engine-fixtures.js';
import type { EngineSubject } from './engine-fixtures.js';

type Row = CatalogCase<EngineSubject, ErrorRefusal>;

const INVALID = refusedWith('INVALID_ARGUMENT');
const NOT_FOUND = refusedWith('WORKFLOW_NOT_FOUND');
const NOT_RUNNING = refusedWith('WORKFLOW_NOT_RUNNING');

const startOptions = (options: unknown): StartOptions => untyped<StartOptions>(options);
const signalWithStartOptions = (options: unknown) =>
  untyped<StartOptions & { readonly workflowId: string }>(options);

/** A cursor of a listing by type: refused by a listing by status. */
const typeCursor = Buffer.from(JSON.stringify(['byType', 'waiter\u0000x'])).toString('base64url');

const startCases: Row[] = [
  {
    what: 'start of an unknown type name',
    call: (s) => s.engine.start('nope', null),
    refusal: refusedWith('UNKNOWN_WORKFLOW_TYPE'),
  },
  {
    what: 'start of an unregistered definition',
    call: (s) => s.engine.start(unregistered, null),
    refusal: refusedWith('UNKNOWN_WORKFLOW_TYPE'),
  },
  ...(
    [
      ['null', null],
      ['a number', 42],
      ['an object that is not a definition', {}],
      ['an activity definition', echo],
      ['another definition under a registered name', defineWorkflow('waiter', async () => 1)],
    ] as const
  ).map(([what, def]): Row => ({
    what: `start of ${what}`,
    call: (s) => s.engine.start(untyped<typeof waiter>(def), null),
    refusal: INVALID,
  })),
  ...BAD_PAYLOADS.map(([what, payload, code]): Row => ({
    what: `start with ${what} as input`,
    call: (s) => s.engine.start(waiter, payload(), { workflowId: 'fresh' }),
    refusal: refusedWith(code),
  })),
  {
    what: 'start with null options',
    call: (s) => s.engine.start(waiter, null, startOptions(null)),
    refusal: INVALID,
  },
  {
    what: 'start with options that are a number',
    call: (s) => s.engine.start(waiter, null, startOptions(5)),
    refusal: INVALID,
  },
  ...BAD_IDS.map(([what, id]): Row => ({
    what: `start with ${what} as workflowId`,
    call: (s) => s.engine.start(waiter, null, startOptions({ workflowId: id })),
    refusal: INVALID,
  })),
  {
    what: 'start with a workflowId holding a lone surrogate',
    call: (s) => s.engine.start(waiter, null, { workflowId: 'a\ud800' }),
    refusal: INVALID,
  },
  // `null` is not among them: like `undefined`, it means "the definition's timeout".
  ...BAD_DURATIONS.filter(([, duration]) => duration !== null).map(([what, duration]): Row => ({
    what: `start with ${what} as executionTimeout`,
    call: (s) =>
      s.engine.start(
        waiter,
        null,
        startOptions({ workflowId: 'fresh', executionTimeout: duration }),
      ),
    refusal: INVALID,
  })),
  {
    what: 'start with idempotent that is not a boolean',
    call: (s) =>
      s.engine.start(waiter, null, startOptions({ workflowId: 'fresh', idempotent: 'yes' })),
    refusal: INVALID,
  },
  {
    what: 'start with the id of a running run',
    call: (s) => s.engine.start(waiter, null, { workflowId: 'waiting' }),
    refusal: refusedWith('WORKFLOW_ALREADY_STARTED'),
  },
];

const signalWithStartCases: Row[] = [
  {
    what: 'signalWithStart without options',
    call: (s) => s.engine.signalWithStart(waiter, null, 'go', 1, signalWithStartOptions(undefined)),
    refusal: INVALID,
  },
  {
    what: 'signalWithStart without a workflowId',
    call: (s) => s.engine.signalWithStart(waiter, null, 'go', 1, signalWithStartOptions({})),
    refusal: INVALID,
  },
  ...BAD_IDS.map(([what, id]): Row => ({
    what: `signalWithStart with ${what} as workflowId`,
    call: (s) =>
      s.engine.signalWithStart(waiter, null, 'go', 1, signalWithStartOptions({ workflowId: id })),
    refusal: INVALID,
  })),
  ...BAD_IDS.map(([what, name]): Row => ({
    what: `signalWithStart with ${what} as signal name`,
    call: (s) =>
      s.engine.signalWithStart(waiter, null, untyped<string>(name), 1, { workflowId: 'fresh' }),
    refusal: INVALID,
  })),
  ...BAD_PAYLOADS.flatMap(([what, payload, code]): Row[] => [
    {
      what: `signalWithStart of a new run with ${what} as payload`,
      call: (s) => s.engine.signalWithStart(waiter, null, 'go', payload(), { workflowId: 'fresh' }),
      refusal: refusedWith(code),
    },
    {
      what: `signalWithStart of a running run with ${what} as payload`,
      call: (s) =>
        s.engine.signalWithStart(waiter, null, 'go', payload(), { workflowId: 'waiting' }),
      refusal: refusedWith(code),
    },
    {
      what: `signalWithStart of a new run with ${what} as input`,
      call: (s) => s.engine.signalWithStart(waiter, payload(), 'go', 1, { workflowId: 'fresh' }),
      refusal: refusedWith(code),
    },
  ]),
  {
    what: 'signalWithStart of an unknown type',
    call: (s) => s.engine.signalWithStart('nope', null, 'go', 1, { workflowId: 'fresh' }),
    refusal: refusedWith('UNKNOWN_WORKFLOW_TYPE'),
  },
  {
    what: 'signalWithStart with an executionTimeout that does not parse',
    call: (s) =>
      s.engine.signalWithStart(waiter, null, 'go', 1, {
        workflowId: 'fresh',
        executionTimeout: 'soonish',
      }),
    refusal: INVALID,
  },
];

/** Calls that name a run by workflow id (and run id): the same bad ids for each. */
const byIdCases: Row[] = [
  ...BAD_IDS.flatMap(([what, id]): Row[] => {
    const workflowId = untyped<string>(id);
    return [
      {
        what: `getHandle of ${what}`,
        call: (s) => s.engine.getHandle(workflowId),
        refusal: INVALID,
      },
      {
        what: `getHandle with ${what} as runId`,
        call: (s) => s.engine.getHandle('waiting', workflowId),
        refusal: INVALID,
      },
      { what: `describe of ${what}`, call: (s) => s.engine.describe(workflowId), refusal: INVALID },
      {
        what: `describe with ${what} as runId`,
        call: (s) => s.engine.describe('waiting', workflowId),
        refusal: INVALID,
      },
      { what: `history of ${what}`, call: (s) => s.engine.history(workflowId), refusal: INVALID },
      {
        what: `signal to ${what}`,
        call: (s) => s.engine.signal(workflowId, 'go', 1),
        refusal: INVALID,
      },
      {
        what: `signal with ${what} as name`,
        call: (s) => s.engine.signal('waiting', workflowId, 1),
        refusal: INVALID,
      },
      {
        what: `query to ${what}`,
        call: (s) => s.engine.query(workflowId, 'state'),
        refusal: INVALID,
      },
      {
        what: `query with ${what} as name`,
        call: (s) => s.engine.query('waiting', workflowId),
        refusal: INVALID,
      },
      { what: `cancel of ${what}`, call: (s) => s.engine.cancel(workflowId), refusal: INVALID },
      {
        what: `terminate of ${what}`,
        call: (s) => s.engine.terminate(workflowId),
        refusal: INVALID,
      },
    ];
  }),
  {
    what: 'getHandle of an unknown id',
    call: (s) => s.engine.getHandle('nobody'),
    refusal: NOT_FOUND,
  },
  {
    what: 'getHandle of an unknown run of a known id',
    call: (s) => s.engine.getHandle('waiting', '01ARZ3NDEKTSV4RRFFQ69G5FAV'),
    refusal: NOT_FOUND,
  },
  {
    what: 'getHandle of the run id of another workflow',
    call: (s) => s.engine.getHandle('waiting', s.sleeping.runId),
    refusal: NOT_FOUND,
  },
  {
    what: 'describe of an unknown id',
    call: (s) => s.engine.describe('nobody'),
    refusal: NOT_FOUND,
  },
  { what: 'history of an unknown id', call: (s) => s.engine.history('nobody'), refusal: NOT_FOUND },
];

const operateCases: Row[] = [
  ...BAD_PAYLOADS.map(([what, payload, code]): Row => ({
    what: `signal with ${what} as payload`,
    call: (s) => s.engine.signal('waiting', 'go', payload()),
    refusal: refusedWith(code),
  })),
  {
    what: 'signal to an unknown id',
    call: (s) => s.engine.signal('nobody', 'go', 1),
    refusal: NOT_FOUND,
  },
  {
    what: 'signal to an ended run',
    call: (s) => s.engine.signal('done', 'go', 1),
    refusal: NOT_RUNNING,
  },
  {
    what: 'query to an unknown id',
    call: (s) => s.engine.query('nobody', 'state'),
    refusal: NOT_FOUND,
  },
  {
    what: 'query to an ended run',
    call: (s) => s.engine.query('done', 'state'),
    refusal: NOT_RUNNING,
  },
  {
    what: 'query of a name the run does not answer',
    call: (s) => s.engine.query('waiting', 'nope'),
    refusal: refusedWith('QUERY_NOT_FOUND'),
  },
  { what: 'cancel of an unknown id', call: (s) => s.engine.cancel('nobody'), refusal: NOT_FOUND },
  { what: 'cancel of an ended run', call: (s) => s.engine.cancel('done'), refusal: NOT_RUNNING },
  {
    what: 'terminate of an unknown id',
    call: (s) => s.engine.terminate('nobody'),
    refusal: NOT_FOUND,
  },
  {
    what: 'terminate of an ended run',
    call: (s) => s.engine.terminate('done'),
    refusal: NOT_RUNNING,
  },
  ...(['cancel', 'terminate'] as const).flatMap((verb): Row[] => [
    {
      what: `${verb} with a reason that is a number`,
      call: (s) => s.engine[verb]('waiting', untyped<string>(42)),
      refusal: INVALID,
    },
    {
      what: `${verb} with a reason that is an object`,
      call: (s) => s.engine[verb]('waiting', untyped<string>({ why: 'x' })),
      refusal: INVALID,
    },
    {
      what: `${verb} with a reason over maxPayloadBytes`,
      call: (s) => s.engine[verb]('waiting', 'r'.repeat(2_000)),
      refusal: refusedWith('PAYLOAD_TOO_LARGE'),
    },
    {
      what: `${verb} with a reason holding a lone surrogate`,
      call: (s) => s.engine[verb]('waiting', 'why\udc00'),
      refusal: refusedWith('PAYLOAD_NOT_SERIALIZABLE'),
    },
  ]),
];

const list = (filter: unknown) => (s: EngineSubject) => s.engine.list(untyped<ListFilter>(filter));
const listCases: Row[] = (
  [
    ['a null filter', null],
    ['a filter that is a number', 5],
    ['an unknown status', { status: 'sleepy' }],
    ['a status that is a number', { status: 1 }],
    ['a negative limit', { limit: -1 }],
    ['a zero limit', { limit: 0 }],
    ['a NaN limit', { limit: Number.NaN }],
    ['a fractional limit', { limit: 1.5 }],
    ['a limit string', { limit: '10' }],
    ['a limit over 10,000', { limit: 1e9 }],
    ['a cursor that is not one', { cursor: 'garbage' }],
    ['a cursor that is a number', { cursor: 5 }],
    ['a cursor of another filter', { status: 'running', cursor: typeCursor }],
    ['a NaN startedAfter', { startedAfter: Number.NaN }],
    ['a startedAfter string', { startedAfter: 'yesterday' }],
    ['a NaN startedBefore', { startedBefore: Number.NaN }],
    ['an empty workflowType', { workflowType: '' }],
    ['a workflowType with a control character', { workflowType: 'a\u0000' }],
    ['a workflowType that is a number', { workflowType: 5 }],
  ] as const
).map(([what, filter]): Row => ({
  what: `list with ${what}`,
  call: list(filter),
  refusal: INVALID,
}));

const serveCases: Row[] = (
  [
    ['a negative port', { port: -1 }],
    ['a fractional port', { port: 1.5 }],
    ['a port over 65535', { port: 70_000 }],
    ['an empty host', { host: '' }],
    ['an empty tokenFile', { tokenFile: '' }],
  ] as const
).map(([what, options]): Row => ({
  what: `serve with ${what}`,
  call: (s) => s.engine.serve(untyped<Parameters<Engine['serve']>[0]>(options)),
  refusal: INVALID,
}));

const cases: Row[] = [
  ...startCases,
  ...signalWithStartCases,
  ...byIdCases,
  ...operateCases,
  ...listCases,
  ...serveCases,
];

let subject: EngineSubject | undefined;
afterEach(async () => {
  await subject?.env.close();
  subject = undefined;
});

describeCatalog('Engine methods', cases, async (row) => {
  subject = await engineSubject();
  await expectLiveRefusal(subject, row);
});

// ---- defineWorkflow and defineActivity ----

const noop = async (): Promise<null> => null;
const definitionCases: Array<CatalogCase<null, ErrorRefusal>> = (
  [
    ...BAD_IDS.map(([what, name]) => [`${what} as name`, name, noop, {}] as const),
    ['a name with a lone surrogate', 'a\udfff', noop, {}],
    ['a body that is not a function', 'x', 'not a function', {}],
    ['null options', 'x', noop, null],
    ['options that are a number', 'x', noop, 5],
  ] as const
).flatMap(([what, name, fn, options]) => [
  {
    what: `defineWorkflow with ${what}`,
    call: () =>
      defineWorkflow(untyped<string>(name), untyped<typeof noop>(fn), untyped<object>(options)),
    refusal: INVALID,
  },
  {
    what: `defineActivity with ${what}`,
    call: () =>
      defineActivity(untyped<string>(name), untyped<typeof noop>(fn), untyped<object>(options)),
    refusal: INVALID,
  },
]);
definitionCases.push({
  what: 'defineWorkflow with an executionTimeout that does not parse',
  call: () => defineWorkflow('x', noop, { executionTimeout: 'soonish' }),
  refusal: INVALID,
});

describeCatalog('defineWorkflow and defineActivity', definitionCases, async (row) => {
  expectRefusal(await settle(() => row.call(null)), row.refusal);
});

// ---- Engine.open ----

/** A definition with a retry policy that cannot work. */
const badRetry = defineActivity('badRetry', async () => 1, { retry: { maxAttempts: 0 } });
const badTimeout = defineActivity('badTimeout', async () => 1, { timeoutMs: -1 });

const openCases: Array<CatalogCase<MemoryStore, ErrorRefusal>> = (
  [
    ['null options', null],
    ['options that are a number', 5],
    ['a store that is neither a path nor a store', { store: {} }],
    ['an empty store path', { store: '' }],
    ['an unknown durability', { durability: 'eventually' }],
    ['an unknown onNondeterminism', { onNondeterminism: 'ignore' }],
    ['workflows that are not an array', { workflows: waiter }],
    ['a null workflow', { workflows: [null] }],
    ['an activity among the workflows', { workflows: [echo] }],
    ['a workflow among the activities', { activities: [waiter] }],
    ['two workflows of one name', { workflows: [waiter, defineWorkflow('waiter', async () => 1)] }],
    ['an activity with a retry policy of 0 attempts', { activities: [badRetry] }],
    ['an activity with a negative timeout', { activities: [badTimeout] }],
    ['a negative maxPayloadBytes', { maxPayloadBytes: -1 }],
    ['a NaN maxPayloadBytes', { maxPayloadBytes: Number.NaN }],
    ['a maxPayloadBytes string', { maxPayloadBytes: '1k' }],
    ['a runIntensity that is a number', { runIntensity: 5 }],
    ['a negative runIntensity.maxRestarts', { runIntensity: { maxRestarts: -1, withinMs: 10 } }],
    ['a NaN runIntensity.withinMs', { runIntensity: { maxRestarts: 1, withinMs: Number.NaN } }],
    ['a runBackoff.maxMs below initialMs', { runBackoff: { initialMs: 100, maxMs: 1, factor: 2 } }],
    ['a runBackoff.factor below 1', { runBackoff: { initialMs: 1, maxMs: 5, factor: 0.5 } }],
    ['an idleTimeout that does not parse', { idleTimeout: 'soonish' }],
    ['a negative idleTimeout', { idleTimeout: -1 }],
    ['a zero maxResidentRuns', { maxResidentRuns: 0 }],
    ['a fractional maxResidentRuns', { maxResidentRuns: 1.5 }],
    ['a clock without methods', { clock: {} }],
  ] as const
).map(([what, options]) => ({
  what: `Engine.open with ${what}`,
  call: (store: MemoryStore) =>
    Engine.open(
      options === null || typeof options !== 'object'
        ? untyped<EngineOptions>(options)
        : untyped<EngineOptions>({ store, workflows: catalogWorkflows, ...options }),
    ),
  refusal: INVALID,
}));

describeCatalog('Engine.open options', openCases, async (row) => {
  // A store that already holds a run, so that a wrongly opened engine would touch something.
  const store = new MemoryStore();
  const seeded = await Engine.open({ store, workflows: catalogWorkflows });
  await seeded.start(waiter, null, { workflowId: 'waiting' });
  await seeded.close();
  const before = tablesOf(store.data);
  const settlement = await settle(() => row.call(store));
  if (!settlement.threw) await (settlement.value as Engine).close();
  expectRefusal(settlement, row.refusal);
  expect(tablesOf(store.data)).toEqual(before);
  await store.close();
});

// ---- calls after close, and close racing calls ----

const closedCases: Row[] = (
  [
    { what: 'start', call: (s) => s.engine.start(waiter, null, { workflowId: 'fresh' }) },
    {
      what: 'signalWithStart',
      call: (s) => s.engine.signalWithStart(waiter, null, 'go', 1, { workflowId: 'fresh' }),
    },
    { what: 'getHandle', call: (s) => s.engine.getHandle('waiting') },
    { what: 'describe', call: (s) => s.engine.describe('waiting') },
    { what: 'history', call: (s) => s.engine.history('waiting') },
    { what: 'list', call: (s) => s.engine.list() },
    { what: 'signal', call: (s) => s.engine.signal('waiting', 'go', 1) },
    { what: 'query', call: (s) => s.engine.query('waiting', 'state') },
    { what: 'cancel', call: (s) => s.engine.cancel('waiting') },
    { what: 'terminate', call: (s) => s.engine.terminate('waiting') },
    { what: 'serve', call: (s) => s.engine.serve() },
  ] satisfies Array<{ what: string; call: (s: EngineSubject) => unknown }>
).map((row) => ({
  ...row,
  what: `${row.what} after close`,
  refusal: refusedWith('ENGINE_CLOSED'),
}));

describeCatalog('Engine methods after close', closedCases, async (row) => {
  const s = (subject = await engineSubject());
  await s.env.idle();
  const before = tablesOf(s.env.store.data);
  await s.engine.close();
  expectRefusal(await settle(() => row.call(s)), row.refusal);
  s.env.clock.advance(3_600_000);
  await s.env.idle();
  expect(tablesOf(s.env.store.data)).toEqual(before);
});

describe('Engine close racing calls', () => {
  it('resolves every concurrent close() once the engine is closed', async () => {
    const s = (subject = await engineSubject());
    const closes = [s.engine.close(), s.engine.close(), s.engine.close()];
    expect(closes[1]).toBe(closes[0]);
    await Promise.all(closes);
    await expect(s.engine.close()).resolves.toBeUndefined();
    expectRefusal(await settle(() => s.engine.list()), refusedWith('ENGINE_CLOSED'));
  });

  it('either completes a call racing close() or refuses it with ENGINE_CLOSED, never half', async () => {
    const s = (subject = await engineSubject());
    const racing = {
      start: s.engine.start(quick, null, { workflowId: 'racer' }),
      signal: s.engine.signal('waiting', 'go', 'raced'),
      cancel: s.engine.cancel('sleeping', 'raced'),
      signalWithStart: s.engine.signalWithStart(waiter, null, 'go', 'raced', {
        workflowId: 'racer-2',
      }),
    };
    const closing = s.engine.close();
    const outcomes = await Promise.all(
      Object.entries(racing).map(async ([name, call]) => [name, await settle(() => call)] as const),
    );
    await closing;
    await s.env.close();
    subject = undefined;
    const store = new MemoryStore({ data: s.env.store.data });
    try {
      const history = async (id: string) =>
        (await store.getLatestRunId(id)) === undefined
          ? []
          : await store.readHistory(id, (await store.getLatestRunId(id)) as string);
      const effects: Record<string, boolean> = {
        start: (await history('racer')).length > 0,
        signal: (await history('waiting')).some(
          (e) => e.type === 'SignalReceived' && e.payload === 'raced',
        ),
        cancel: (await history('sleeping')).some((e) => e.type === 'WorkflowCancelRequested'),
        signalWithStart: (await history('racer-2')).some((e) => e.type === 'SignalReceived'),
      };
      for (const [name, settlement] of outcomes) {
        if (settlement.threw) {
          expectRefusal(settlement, refusedWith('ENGINE_CLOSED'));
          expect(effects[name], `${name} was refused but wrote`).toBe(false);
        } else {
          expect(effects[name], `${name} resolved but wrote nothing`).toBe(true);
        }
      }
    } finally {
      await store.close();
    }
  });

  it('rejects a result() awaited across close() with ENGINE_CLOSED instead of hanging', async () => {
    const s = (subject = await engineSubject());
    const pending = settle(() => s.waiting.result());
    const outcome = settle(
      () =>
        new Promise((resolve, reject) =>
          s.sleeping.outcome$.subscribe({ next: resolve, error: reject }),
        ),
    );
    await s.engine.close();
    expectRefusal(await pending, refusedWith('ENGINE_CLOSED'));
    expectRefusal(await outcome, refusedWith('ENGINE_CLOSED'));
  });
});

describe('Engine bad input: edges that are accepted', () => {
  it('accepts ids of exactly 256 characters and any printable Unicode', async () => {
    const s = (subject = await engineSubject());
    for (const id of ['w'.repeat(256), 'ordre-été/🚀 #1', ' spaced ']) {
      const handle = await s.engine.start(waiter, null, { workflowId: id });
      expect((await s.engine.describe(id)).status).toBe('running');
      await handle.signal('go', 'stop');
      expect(await s.env.result(handle)).toBe('stopped');
    }
  });
});
