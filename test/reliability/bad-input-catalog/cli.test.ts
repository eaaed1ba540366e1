import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, beforeAll, expect } from 'vitest';
import { Engine, LevelStore } from '../../../src/index.js';
import { serverFilePath } from '../../../src/server/index.js';
import { aion, fixture } from '../../cli/cli-harness.js';
import { approval, charge, flaky, order, refused } from '../../cli/fixtures/shop.js';
import { describeCatalog } from './catalog.js';
import type { CatalogCase } from './catalog.js';

/**
 * The CLI surface: bad ids, flags and JSON given to `aion`, each run twice,
 * against a store no process holds (the command opens it itself) and
 * against one an engine holds and serves (the command goes through the
 * HTTP API). Every case must exit with its code, print one JSON error line
 * with its code (`--json`), and leave the store as it was: byte for byte
 * on disk for the closed store, histories and indexes for the served one.
 */
interface CliRefusal {
  readonly exit: number;
  readonly code: string;
}
type Row = CatalogCase<{ readonly store: string }, CliRefusal>;

const shop = fixture('shop.ts');
const definitions = { workflows: [order, approval, refused], activities: [charge, flaky] };
const USAGE = (code = 'INVALID_ARGUMENT'): CliRefusal => ({ exit: 2, code });
const FAILED = (code: string): CliRefusal => ({ exit: 1, code });

/** The JSON of a string of `length` characters: a payload over the default 2 MiB. */
const hugeJson = (length: number): string => JSON.stringify('x'.repeat(length));
const deepJson = (levels: number): string => '['.repeat(levels) + ']'.repeat(levels);

function row(what: string, args: readonly string[], refusal: CliRefusal): Row {
  return { what, refusal, call: ({ store }) => aion([...args, '--json', '--store', store]) };
}

const BAD_IDS: ReadonlyArray<readonly [string, string]> = [
  ['an empty id', ''],
  ['an id of 257 characters', 'x'.repeat(257)],
  ['an id with a control character', 'a\u0001b'],
  ['an id with a newline', 'a\nb'],
];

const cases: Row[] = [
  ...BAD_IDS.flatMap(([what, id]): Row[] => [
    row(`show of ${what}`, ['show', id], USAGE()),
    row(`signal to ${what}`, ['signal', id, 'approve', '{}'], USAGE()),
    row(`signal with ${what} as name`, ['signal', 'a-1', id, '{}', '-m', shop], USAGE()),
    row(`query of ${what}`, ['query', id, 'stage'], USAGE()),
    row(`query with ${what} as name`, ['query', 'a-1', id, '-m', shop], USAGE()),
    row(`cancel of ${what}`, ['cancel', id], USAGE()),
    row(`terminate of ${what}`, ['terminate', id], USAGE()),
    row(`show with ${what} as --run`, ['show', 'a-1', '--run', id], USAGE()),
    row(`replay of ${what}`, ['replay', shop, id], USAGE()),
  ]),
  row('show of an unknown id', ['show', 'zzz'], FAILED('WORKFLOW_NOT_FOUND')),
  row(
    'show of an unknown --run',
    ['show', 'a-1', '--run', '01ARZ3NDEKTSV4RRFFQ69G5FAV'],
    FAILED('WORKFLOW_NOT_FOUND'),
  ),
  row('signal to an unknown id', ['signal', 'zzz', 'approve'], FAILED('WORKFLOW_NOT_FOUND')),
  row('signal to an ended run', ['signal', 'o-1', 'approve', '{}'], FAILED('WORKFLOW_NOT_RUNNING')),
  row('cancel of an ended run', ['cancel', 'o-1'], FAILED('WORKFLOW_NOT_RUNNING')),
  row('terminate of an ended run', ['terminate', 'o-1'], FAILED('WORKFLOW_NOT_RUNNING')),
  row('replay of an unknown id', ['replay', shop, 'zzz'], FAILED('WORKFLOW_NOT_FOUND')),
  row('signal with a payload that is not JSON', ['signal', 'a-1', 'approve', '{nope'], USAGE()),
  row('query with arguments that are not JSON', ['query', 'a-1', 'stage', '[1,'], USAGE()),
  row('run with an --input that is not JSON', ['run', shop, '-w', 'order', '-i', '{bad'], USAGE()),
  row(
    "signal with a payload with an own '__proto__' key",
    ['signal', 'a-1', 'approve', '{"__proto__": {"polluted": 1}}', '-m', shop],
    FAILED('PAYLOAD_NOT_SERIALIZABLE'),
  ),
  row(
    'signal with a payload with a lone surrogate',
    ['signal', 'a-1', 'approve', '"\\ud800"', '-m', shop],
    FAILED('PAYLOAD_NOT_SERIALIZABLE'),
  ),
  row(
    'signal with a payload nested 3,000 levels deep',
    ['signal', 'a-1', 'approve', deepJson(3_000), '-m', shop],
    FAILED('PAYLOAD_NOT_SERIALIZABLE'),
  ),
  row(
    'signal with a payload over 2 MiB',
    ['signal', 'a-1', 'approve', hugeJson(3 * 1024 * 1024), '-m', shop],
    FAILED('PAYLOAD_TOO_LARGE'),
  ),
  row(
    'cancel with a reason over 2 MiB',
    ['cancel', 'a-1', '--reason', 'r'.repeat(3 * 1024 * 1024), '-m', shop],
    FAILED('PAYLOAD_TOO_LARGE'),
  ),
  row(
    'query of a name the run does not answer',
    ['query', 'a-1', 'nope', '-m', shop],
    FAILED('QUERY_NOT_FOUND'),
  ),
  row(
    "run with an --input with an own '__proto__' key",
    ['run', shop, '-w', 'approval', '--id', 'p-1', '-i', '{"__proto__": {"polluted": 1}}'],
    FAILED('PAYLOAD_NOT_SERIALIZABLE'),
  ),
  row(
    'run with an --id with a control character',
    ['run', shop, '-w', 'approval', '--id', 'a\u0001'],
    USAGE(),
  ),
  row(
    'run with an --id of 257 characters',
    ['run', shop, '-w', 'approval', '--id', 'r'.repeat(257)],
    USAGE(),
  ),
  row(
    'run of the id of a running run',
    ['run', shop, '-w', 'approval', '--id', 'a-1'],
    FAILED('WORKFLOW_ALREADY_STARTED'),
  ),
  row(
    'run of a workflow the module lacks',
    ['run', shop, '-w', 'nope'],
    USAGE('UNKNOWN_WORKFLOW_TYPE'),
  ),
  row(
    'run of a module that does not exist',
    ['run', join(tmpdir(), 'no-such-module.ts')],
    USAGE('NO_MODULE'),
  ),
  row('list with an unknown status', ['list', '--status', 'sleepy'], USAGE()),
  row('list with a type with a control character', ['list', '--type', 't\u0001'], USAGE()),
  row('list with a --limit that is not a number', ['list', '--limit', 'abc'], USAGE()),
  row('list with a negative --limit', ['list', '--limit', '-1'], USAGE()),
  row('list with a zero --limit', ['list', '--limit', '0'], USAGE()),
  row('list with a --limit over 10,000', ['list', '--limit', '99999'], USAGE()),
  row('list with a --cursor that is not one', ['list', '--cursor', 'garbage'], USAGE()),
  row('an unknown command', ['frobnicate'], USAGE()),
  row('an unknown option', ['list', '--bogus'], USAGE()),
  row('a missing argument', ['show'], USAGE()),
  row('a missing option value', ['list', '--status'], USAGE()),
  row('too many arguments', ['show', 'a-1', 'extra'], USAGE()),
];

// ---- the two stores ----

let closedDir: string;
let servedDir: string;
let servedStore: LevelStore;
let servedEngine: Engine;

async function seed(engine: Engine): Promise<void> {
  await engine.start(approval, null, { workflowId: 'a-1' });
  await (await engine.start(order, { cents: 1 }, { workflowId: 'o-1' })).result();
}

beforeAll(async () => {
  closedDir = await mkdtemp(join(tmpdir(), 'aion-cli-catalog-'));
  const seeding = await Engine.open({ store: closedDir, ...definitions });
  await seed(seeding);
  await seeding.close();
  servedDir = await mkdtemp(join(tmpdir(), 'aion-cli-catalog-served-'));
  servedStore = await LevelStore.open(servedDir);
  servedEngine = await Engine.open({ store: servedStore, ...definitions });
  await seed(servedEngine);
  await servedEngine.serve({ tokenFile: serverFilePath(servedDir) });
});

afterAll(async () => {
  await servedEngine?.close();
  await servedStore?.close();
  await Promise.all([closedDir, servedDir].map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Every key and value of a closed LevelDB store, as hex. */
async function rawTables(dir: string): Promise<Array<[string, string]>> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  try {
    const entries: Array<[string, string]> = [];
    for await (const [key, value] of db.iterator()) {
      entries.push([Buffer.from(key).toString('hex'), Buffer.from(value).toString('hex')]);
    }
    return entries;
  } finally {
    await db.close();
  }
}

/** Histories, summaries and indexes of the served store, through the EventStore contract. */
async function servedTables(): Promise<unknown> {
  const runs = await servedStore.listRuns({ limit: 1_000 });
  return {
    runs,
    histories: await Promise.all(
      runs.items.map((r) => servedStore.readHistory(r.workflowId, r.runId)),
    ),
    nonTerminal: await servedStore.listNonTerminal(),
    timers: await servedStore.nextTimers(1_000),
    latest: await Promise.all(['a-1', 'o-1', 'p-1'].map((id) => servedStore.getLatestRunId(id))),
  };
}

async function check(bad: Row, store: string, snapshot: () => Promise<unknown>): Promise<void> {
  const before = await snapshot();
  const result = (await bad.call({ store })) as Awaited<ReturnType<typeof aion>>;
  expect(result.code, result.stderr).toBe(bad.refusal.exit);
  expect(result.stdout).toBe('');
  const lines = result.stderr.trim().split('\n');
  expect(lines, result.stderr).toHaveLength(1);
  expect(JSON.parse(lines[0] as string)).toMatchObject({ error: { code: bad.refusal.code } });
  expect(await snapshot()).toEqual(before);
}

describeCatalog('CLI against a closed store', cases, (bad) =>
  check(bad, closedDir, () => rawTables(closedDir)),
);

describeCatalog('CLI against a serving engine', cases, (bad) =>
  check(bad, servedDir, servedTables),
);
