import { afterEach, expect } from 'vitest';
import type { Observable } from 'rxjs';
import type { WorkflowHandle } from '../../../src/index.js';
import {
  BAD_IDS,
  BAD_PAYLOADS,
  describeCatalog,
  expectRefusal,
  settle,
  tablesOf,
  untyped,
} from './catalog.js';
import type { CatalogCase, ErrorRefusal } from './catalog.js';
import { engineSubject, expectLiveRefusal, refusedWith } from './engine-fixtures.js';
import type { EngineSubject } from './engine-fixtures.js';

type Row = CatalogCase<EngineSubject, ErrorRefusal>;

const INVALID = refusedWith('INVALID_ARGUMENT');
const NOT_RUNNING = refusedWith('WORKFLOW_NOT_RUNNING');

/** The first value of a stream, or its error. */
function first<T>(stream: Observable<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const subscription = stream.subscribe({
      next: (value) => {
        resolve(value);
        queueMicrotask(() => subscription.unsubscribe());
      },
      error: reject,
      complete: () => reject(new Error('completed without a value')),
    });
  });
}

/** The handles a case may pick: one of a running run, the ended first run of a chain, an ended run. */
const pick = {
  waiting: (s: EngineSubject): WorkflowHandle => s.waiting,
  oldChain: (s: EngineSubject): WorkflowHandle => s.oldChain,
  done: (s: EngineSubject): WorkflowHandle => s.done,
};

const cases: Row[] = [
  ...BAD_IDS.flatMap(([what, name]): Row[] => [
    {
      what: `handle.signal with ${what} as name`,
      call: (s) => s.waiting.signal(untyped<string>(name), 1),
      refusal: INVALID,
    },
    {
      what: `handle.query with ${what} as name`,
      call: (s) => s.waiting.query(untyped<string>(name)),
      refusal: INVALID,
    },
  ]),
  ...BAD_PAYLOADS.map(([what, payload, code]): Row => ({
    what: `handle.signal with ${what} as payload`,
    call: (s) => s.waiting.signal('go', payload()),
    refusal: refusedWith(code),
  })),
  ...(['cancel', 'terminate'] as const).flatMap((verb): Row[] => [
    {
      what: `handle.${verb} with a reason that is a number`,
      call: (s) => s.waiting[verb](untyped<string>(7)),
      refusal: INVALID,
    },
    {
      what: `handle.${verb} with a reason over maxPayloadBytes`,
      call: (s) => s.waiting[verb]('r'.repeat(2_000)),
      refusal: refusedWith('PAYLOAD_TOO_LARGE'),
    },
  ]),
  ...(['oldChain', 'done'] as const).flatMap((which): Row[] => {
    const run = which === 'oldChain' ? 'an earlier run of a chain' : 'an ended run';
    const handle = pick[which];
    return [
      {
        what: `handle.signal to ${run}`,
        call: (s) => handle(s).signal('go', 1),
        refusal: NOT_RUNNING,
      },
      {
        what: `handle.query to ${run}`,
        call: (s) => handle(s).query('state'),
        refusal: NOT_RUNNING,
      },
      { what: `handle.cancel of ${run}`, call: (s) => handle(s).cancel(), refusal: NOT_RUNNING },
      {
        what: `handle.terminate of ${run}`,
        call: (s) => handle(s).terminate(),
        refusal: NOT_RUNNING,
      },
    ];
  }),
  {
    what: 'handle.query of a name the run does not answer',
    call: (s) => s.waiting.query('nope'),
    refusal: refusedWith('QUERY_NOT_FOUND'),
  },
];

let subject: EngineSubject | undefined;
afterEach(async () => {
  await subject?.env.close();
  subject = undefined;
});

describeCatalog('workflow handles', cases, async (row) => {
  subject = await engineSubject();
  await expectLiveRefusal(subject, row);
});

const closedCases: Row[] = (
  [
    ['handle.signal', (s) => s.waiting.signal('go', 1)],
    ['handle.query', (s) => s.waiting.query('state')],
    ['handle.cancel', (s) => s.waiting.cancel()],
    ['handle.terminate', (s) => s.waiting.terminate()],
    ['handle.describe', (s) => s.waiting.describe()],
    ['handle.history', (s) => s.waiting.history()],
    ['handle.result of a running run', (s) => s.waiting.result()],
    ['handle.result of an ended run', (s) => s.done.result()],
    ['handle.outcome$ of a running run', (s) => first(s.waiting.outcome$)],
    ['handle.events$ of a running run', (s) => first(s.waiting.events$)],
    ['handle.events$ of an ended run', (s) => first(s.done.events$)],
  ] as Array<[string, (s: EngineSubject) => unknown]>
).map(([what, call]) => ({
  what: `${what} after close`,
  call,
  refusal: refusedWith('ENGINE_CLOSED'),
}));

describeCatalog('workflow handles after close', closedCases, async (row) => {
  const s = (subject = await engineSubject());
  const before = tablesOf(s.env.store.data);
  await s.engine.close();
  expectRefusal(await settle(() => row.call(s)), row.refusal);
  expect(tablesOf(s.env.store.data)).toEqual(before);
});
