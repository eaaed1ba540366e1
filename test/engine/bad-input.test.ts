import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AionError,
  Engine,
  LevelStore,
  defineActivity,
  defineWorkflow,
  virtualClock,
} from '../../src/index.js';
import type { WorkflowHandle } from '../../src/index.js';
import { useTempDirs } from '../helpers/temp-dirs.js';
import { waitUntil } from '../helpers/wait-until.js';

const tempDir = useTempDirs('bad-input');

const echo = defineActivity('echo', async (value: unknown) => value);
const greet = defineWorkflow('greet', async (ctx, input: unknown) => {
  const echoed = await ctx.activity(echo, input);
  await ctx.sleep('1h');
  return echoed;
});
const unregistered = defineWorkflow('unregistered', async () => 'never');

let store: LevelStore;
let engine: Engine;
let clock: ReturnType<typeof virtualClock>;
let done: WorkflowHandle;
let sleeping: WorkflowHandle;

beforeEach(async () => {
  store = await LevelStore.open(await tempDir());
  clock = virtualClock(Date.UTC(2024, 0, 1));
  engine = await Engine.open({
    store,
    workflows: [greet],
    activities: [echo],
    clock,
    maxPayloadBytes: 1_024,
  });
  // One run that ended and one that sleeps, so there is something to keep intact.
  done = await engine.start(greet, 'done', { workflowId: 'done' });
  await waitUntil(async () => (await done.describe()).pendingTimers === 1, { what: 'the sleep' });
  clock.advance(3_600_000);
  await done.result();
  sleeping = await engine.start(greet, 'sleeping', { workflowId: 'sleeping' });
  await waitUntil(async () => (await sleeping.describe()).pendingTimers === 1, {
    what: 'the sleep',
  });
});

afterEach(async () => {
  await engine.close();
  await store.close();
});

/** Everything the store holds that a call could change. */
async function snapshot(): Promise<unknown> {
  const runs = await store.listRuns({ limit: 1_000 });
  const histories = await Promise.all(
    runs.items.map((run) => store.readHistory(run.workflowId, run.runId)),
  );
  const { commits, events } = store.stats();
  return {
    commits,
    events,
    runs,
    histories,
    nonTerminal: await store.listNonTerminal(),
    timers: await store.nextTimers(1_000),
    latest: await Promise.all(['done', 'sleeping', 'fresh'].map((id) => store.getLatestRunId(id))),
  };
}

async function expectCode(call: () => Promise<unknown>, code: string): Promise<void> {
  let thrown: unknown;
  try {
    await call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown, `expected ${code}`).toBeInstanceOf(AionError);
  expect((thrown as AionError).code).toBe(code);
}

class Point {
  constructor(
    readonly x: number,
    readonly y: number,
  ) {}
  norm(): number {
    return Math.hypot(this.x, this.y);
  }
}

const cycle: Record<string, unknown> = { name: 'loop' };
cycle.self = cycle;

const badInputs: Array<[string, () => Promise<unknown>, string]> = [
  ['an unknown workflow type name', () => engine.start('nope', null), 'UNKNOWN_WORKFLOW_TYPE'],
  [
    'an unregistered workflow definition',
    () => engine.start(unregistered, null),
    'UNKNOWN_WORKFLOW_TYPE',
  ],
  ['a function as input', () => engine.start(greet, () => 1), 'PAYLOAD_NOT_SERIALIZABLE'],
  [
    'a nested function',
    () => engine.start(greet, { deep: [{ f: () => 1 }] }),
    'PAYLOAD_NOT_SERIALIZABLE',
  ],
  [
    'a class instance with methods',
    () => engine.start(greet, { at: new Point(1, 2) }),
    'PAYLOAD_NOT_SERIALIZABLE',
  ],
  ['a cycle', () => engine.start(greet, cycle), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['a symbol', () => engine.start(greet, { s: Symbol('x') }), 'PAYLOAD_NOT_SERIALIZABLE'],
  ['an oversized input', () => engine.start(greet, 'x'.repeat(2_000)), 'PAYLOAD_TOO_LARGE'],
  ['an empty workflow id', () => engine.start(greet, null, { workflowId: '' }), 'INVALID_ARGUMENT'],
  [
    'a workflow id of 257 characters',
    () => engine.start(greet, null, { workflowId: 'w'.repeat(257) }),
    'INVALID_ARGUMENT',
  ],
  [
    'a workflow id with a NUL',
    () => engine.start(greet, null, { workflowId: 'a\u0000b' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a workflow id with a newline',
    () => engine.start(greet, null, { workflowId: 'a\nb' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a workflow id with DEL',
    () => engine.start(greet, null, { workflowId: 'a\u007f' }),
    'INVALID_ARGUMENT',
  ],
  [
    'an executionTimeout that does not parse',
    () => engine.start(greet, null, { workflowId: 'fresh', executionTimeout: 'soonish' }),
    'INVALID_ARGUMENT',
  ],
  [
    'a negative executionTimeout',
    () => engine.start(greet, null, { workflowId: 'fresh', executionTimeout: -5 }),
    'INVALID_ARGUMENT',
  ],
  [
    'a NaN executionTimeout',
    () => engine.start(greet, null, { workflowId: 'fresh', executionTimeout: Number.NaN }),
    'INVALID_ARGUMENT',
  ],
  [
    'the id of a running run',
    () => engine.start(greet, null, { workflowId: 'sleeping' }),
    'WORKFLOW_ALREADY_STARTED',
  ],
  ['describe of an empty id', () => engine.describe(''), 'INVALID_ARGUMENT'],
  ['history of an id with control characters', () => engine.history('a\u0001'), 'INVALID_ARGUMENT'],
  ['getHandle of an unknown id', () => engine.getHandle('fresh'), 'WORKFLOW_NOT_FOUND'],
  ['a signal to an unknown id', () => engine.signal('fresh', 'go', 1), 'WORKFLOW_NOT_FOUND'],
  ['a signal to an ended run', () => engine.signal('done', 'go', 1), 'WORKFLOW_NOT_RUNNING'],
  [
    'a non-serializable signal payload',
    () => engine.signal('sleeping', 'go', () => 1),
    'PAYLOAD_NOT_SERIALIZABLE',
  ],
  ['an empty signal name', () => engine.signal('sleeping', '', 1), 'INVALID_ARGUMENT'],
  [
    'a cancel reason that is not a string',
    () => engine.cancel('sleeping', 42 as unknown as string),
    'INVALID_ARGUMENT',
  ],
];

describe('Engine bad input', () => {
  it.each(badInputs)('rejects %s with its code and writes nothing', async (_what, call, code) => {
    const before = await snapshot();
    await expectCode(call, code);
    expect(await snapshot()).toEqual(before);
    // The engine keeps serving: the sleeping run still finishes.
    clock.advance(3_600_000);
    expect(await sleeping.result()).toBe('sleeping');
  });

  it('accepts a workflow id of exactly 256 characters', async () => {
    const id = 'w'.repeat(256);
    const handle = await engine.start(greet, 'edge', { workflowId: id });
    expect(handle.workflowId).toBe(id);
    expect((await engine.describe(id)).status).toBe('running');
  });

  it('rejects every call after close() with ENGINE_CLOSED and writes nothing', async () => {
    const before = await snapshot();
    await engine.close();
    const calls: Array<() => Promise<unknown>> = [
      () => engine.start(greet, 'late', { workflowId: 'fresh' }),
      () => engine.getHandle('sleeping'),
      () => engine.describe('sleeping'),
      () => engine.history('sleeping'),
      () => engine.list(),
      () => engine.signal('sleeping', 'go', 1),
      () => engine.query('sleeping', 'state'),
      () => engine.cancel('sleeping'),
      () => engine.terminate('sleeping'),
      () => sleeping.signal('go', 1),
      () => sleeping.cancel(),
      () => sleeping.terminate(),
      () => sleeping.describe(),
      () => sleeping.history(),
    ];
    for (const call of calls) await expectCode(call, 'ENGINE_CLOSED');
    clock.advance(3_600_000);
    expect(await snapshot()).toEqual(before);
    await expect(engine.close()).resolves.toBeUndefined();
  });
});
