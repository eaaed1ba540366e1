import { afterEach, expect } from 'vitest';
import { createMachine } from 'xstate';
import { SupervisorError, createSupervisor, supervisorLogic } from 'aion-ts/supervisors';
import type { ChildSpec, Supervisor, SupervisionEvent, SupervisorSpec } from 'aion-ts/supervisors';
import { testClock } from '../../supervisors/support/virtual-clock.js';
import { describeCatalog, expectRefusal, refused, settle, untyped } from './catalog.js';
import type { CatalogCase, ErrorRefusal } from './catalog.js';

/** A worker that runs until stopped. */
const idle = createMachine({ id: 'idle' });

const INVALID = refused(SupervisorError, 'INVALID_SPEC');

/** The supervisor calls of a case: building a tree, or commanding a running one. */
interface SupervisorSubject {
  /** Builds a root from `spec` (with the test clock unless it names its own) and starts it. */
  readonly create: (spec: unknown) => Supervisor;
  /** A running root with children `a` and a nested supervisor `n` (child `b`). */
  readonly root: Supervisor;
  /** A root that was started and stopped. */
  readonly stopped: Supervisor;
}

type Row = CatalogCase<SupervisorSubject, ErrorRefusal>;

/** A spec with one bad field, the rest valid. */
const spec = (fields: Record<string, unknown>): Record<string, unknown> => ({ id: 'r', ...fields });
const withChild = (child: unknown): Record<string, unknown> => spec({ children: [child] });

const specCases: Array<[string, unknown]> = [
  ['a null spec', null],
  ['a spec that is a number', 5],
  ['an empty root id', spec({ id: '' })],
  ['a root id that is a number', spec({ id: 5 })],
  ['a root id of 257 characters', spec({ id: 'r'.repeat(257) })],
  ['a root id with a NUL', spec({ id: 'r\u0000' })],
  ['a root id with a newline', spec({ id: 'r\n' })],
  ['an unknown strategy', spec({ strategy: 'all-for-none' })],
  ['a strategy that is a number', spec({ strategy: 5 })],
  ['a null intensity', spec({ intensity: null })],
  ['an intensity that is a number', spec({ intensity: 5 })],
  ['a negative maxRestarts', spec({ intensity: { maxRestarts: -1, withinMs: 10 } })],
  ['a NaN maxRestarts', spec({ intensity: { maxRestarts: Number.NaN, withinMs: 10 } })],
  ['a fractional maxRestarts', spec({ intensity: { maxRestarts: 1.5, withinMs: 10 } })],
  ['a maxRestarts string', spec({ intensity: { maxRestarts: '3', withinMs: 10 } })],
  ['a zero withinMs', spec({ intensity: { maxRestarts: 1, withinMs: 0 } })],
  ['a negative withinMs', spec({ intensity: { maxRestarts: 1, withinMs: -5 } })],
  ['a NaN withinMs', spec({ intensity: { maxRestarts: 1, withinMs: Number.NaN } })],
  ['a withinMs string', spec({ intensity: { maxRestarts: 1, withinMs: '5' } })],
  ['a null backoff', spec({ backoff: null })],
  ['a negative backoff initialMs', spec({ backoff: { initialMs: -1, maxMs: 5, factor: 2 } })],
  ['a NaN backoff initialMs', spec({ backoff: { initialMs: Number.NaN, maxMs: 5, factor: 2 } })],
  ['a backoff initialMs string', spec({ backoff: { initialMs: '1', maxMs: 5, factor: 2 } })],
  ['a backoff maxMs below initialMs', spec({ backoff: { initialMs: 5, maxMs: 2, factor: 2 } })],
  ['a backoff factor below 1', spec({ backoff: { initialMs: 1, maxMs: 5, factor: 0.5 } })],
  ['a backoff jitter above 1', spec({ backoff: { initialMs: 1, maxMs: 5, factor: 2, jitter: 2 } })],
  ['a negative shutdownTimeoutMs', spec({ shutdownTimeoutMs: -1 })],
  ['a NaN shutdownTimeoutMs', spec({ shutdownTimeoutMs: Number.NaN })],
  ['a shutdownTimeoutMs string', spec({ shutdownTimeoutMs: '5' })],
  ['children that are an object', spec({ children: {} })],
  ['a clock without methods', spec({ clock: {} })],
  ['a random that is a number', spec({ random: 5 })],
  ['a reportError that is a string', spec({ reportError: 'log' })],
  ['a null child', withChild(null)],
  ['a child that is a number', withChild(5)],
  ['a child with an empty id', withChild({ id: '', logic: idle })],
  ['a child id of 257 characters', withChild({ id: 'c'.repeat(257), logic: idle })],
  ['a child id with a control character', withChild({ id: 'c\u0007', logic: idle })],
  [
    'duplicate child ids',
    spec({
      children: [
        { id: 'a', logic: idle },
        { id: 'a', logic: idle },
      ],
    }),
  ],
  ['a child without logic', withChild({ id: 'a' })],
  ['a child whose logic is a function', withChild({ id: 'a', logic: () => 1 })],
  ['an unknown restart type', withChild({ id: 'a', logic: idle, restart: 'sometimes' })],
  [
    'a child intensity with negative maxRestarts',
    withChild({ id: 'a', logic: idle, intensity: { maxRestarts: -1, withinMs: 10 } }),
  ],
  ['a child shutdown hook that is a number', withChild({ id: 'a', logic: idle, shutdown: 5 })],
  [
    'a NaN child shutdownTimeoutMs',
    withChild({ id: 'a', logic: idle, shutdownTimeoutMs: Number.NaN }),
  ],
  ['a null nested supervisor', withChild({ id: 'n', supervisor: null })],
  ['a nested unknown strategy', withChild({ id: 'n', supervisor: { strategy: 'x' } })],
  [
    'nested duplicate child ids',
    withChild({
      id: 'n',
      supervisor: {
        children: [
          { id: 'a', logic: idle },
          { id: 'a', logic: idle },
        ],
      },
    }),
  ],
];

const cases: Row[] = [
  ...specCases.flatMap(([what, bad]): Row[] => [
    { what: `createSupervisor with ${what}`, call: (s) => s.create(bad), refusal: INVALID },
    {
      what: `supervisorLogic with ${what}`,
      call: () => supervisorLogic(untyped<SupervisorSpec>(bad)),
      refusal: INVALID,
    },
  ]),
  {
    what: 'startChild with an id in use',
    call: (s) => s.root.startChild({ id: 'a', logic: idle }),
    refusal: refused(SupervisorError, 'CHILD_EXISTS'),
  },
  {
    what: 'startChild with a null spec',
    call: (s) => s.root.startChild(untyped<ChildSpec>(null)),
    refusal: INVALID,
  },
  {
    what: 'startChild with an id with a control character',
    call: (s) => s.root.startChild({ id: 'c\u0000', logic: idle }),
    refusal: INVALID,
  },
  {
    what: 'startChild with an unknown restart type',
    call: (s) => s.root.startChild(untyped<ChildSpec>({ id: 'c', logic: idle, restart: 'x' })),
    refusal: INVALID,
  },
  {
    what: 'startChild under a supervisor that does not exist',
    call: (s) => s.root.startChild({ id: 'c', logic: idle }, 'nope'),
    refusal: refused(SupervisorError, 'CHILD_NOT_FOUND'),
  },
  {
    what: 'startChild under a worker',
    call: (s) => s.root.startChild({ id: 'c', logic: idle }, 'a'),
    refusal: refused(SupervisorError, 'CHILD_NOT_FOUND'),
  },
  {
    what: 'startChild with an id in use in a nested supervisor',
    call: (s) => s.root.startChild({ id: 'b', logic: idle }, ['n']),
    refusal: refused(SupervisorError, 'CHILD_EXISTS'),
  },
  {
    what: 'stopChild of an unknown id',
    call: (s) => s.root.stopChild('nope'),
    refusal: refused(SupervisorError, 'CHILD_NOT_FOUND'),
  },
  {
    what: 'stopChild of an id that is a number',
    call: (s) => s.root.stopChild(untyped<string>(5)),
    refusal: refused(SupervisorError, 'CHILD_NOT_FOUND'),
  },
  {
    what: 'startChild after stop',
    call: (s) => s.stopped.startChild({ id: 'c', logic: idle }),
    refusal: refused(SupervisorError, 'NOT_RUNNING'),
  },
  {
    what: 'stopChild after stop',
    call: (s) => s.stopped.stopChild('a'),
    refusal: refused(SupervisorError, 'NOT_RUNNING'),
  },
];

let opened: Supervisor[] = [];
afterEach(async () => {
  await Promise.all(opened.map((s) => s.stop()));
  opened = [];
});

function subject(): SupervisorSubject {
  const clock = testClock();
  const start = (s: Supervisor): Supervisor => {
    opened.push(s);
    return s.start();
  };
  const create = (bad: unknown): Supervisor =>
    start(
      createSupervisor(
        typeof bad === 'object' && bad !== null && !('clock' in bad)
          ? untyped<SupervisorSpec>({ clock, ...bad })
          : untyped<SupervisorSpec>(bad),
      ),
    );
  const root = start(
    createSupervisor({
      id: 'root',
      clock,
      children: [
        { id: 'a', logic: idle },
        { id: 'n', supervisor: { children: [{ id: 'b', logic: idle }] } },
      ],
    }),
  );
  const stopped = start(createSupervisor({ id: 'gone', clock, children: [] }));
  return { create, root, stopped };
}

describeCatalog('supervisor options and commands', cases, async (row) => {
  const s = subject();
  await s.stopped.stop();
  const events: SupervisionEvent[] = [];
  const watching = s.root.events$.subscribe((event) => events.push(event));
  const before = s.root.tree();
  const settlement = await settle(() => row.call(s));
  expectRefusal(settlement, row.refusal);
  // Refused means untouched: the same tree, no event, every child still running.
  expect(s.root.tree()).toEqual(before);
  expect(events).toEqual([]);
  expect(s.root.child('a')?.getSnapshot().status).toBe('active');
  expect(s.root.child(['n', 'b'])?.getSnapshot().status).toBe('active');
  watching.unsubscribe();
});
