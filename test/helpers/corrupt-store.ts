import { Level } from 'level';
import { Engine, defineActivity, defineWorkflow } from '../../src/index.js';
import type { VirtualClock, WorkflowHandle } from '../../src/index.js';
import { waitUntil } from './wait-until.js';

/**
 * A small mixed workload for corruption tests, and raw access to the
 * LevelDB directory of a closed store to damage it the way a disk or
 * another program would.
 */

export const greet = defineActivity('greet', async (name: string) => `hello ${name}`);

export const greeter = defineWorkflow('greeter', async (ctx, name: string) => {
  return ctx.activity(greet, name);
});

export const sleeper = defineWorkflow('sleeper', async (ctx, seconds: number) => {
  await ctx.sleep(seconds * 1_000);
  return `slept ${seconds}s`;
});

export const waiter = defineWorkflow('waiter', async (ctx, _: null) => {
  const go = await ctx.signal<string>('go');
  return `went ${go}`;
});

export const looper = defineWorkflow('looper', async (ctx, n: number): Promise<number> => {
  if (n > 0) return ctx.continueAsNew(n - 1);
  return ctx.activity(greet, 'loop').then(() => n);
});

export const parent = defineWorkflow('parent', async (ctx, name: string) => {
  const child = await ctx.child(greeter, name);
  return `parent of ${child}`;
});

export const WORKFLOWS = [greeter, sleeper, waiter, looper, parent];
export const ACTIVITIES = [greet];

/** The runs {@link seedStore} leaves. */
export interface SeededRuns {
  /** The latest run id of each workflow id. */
  readonly runIds: ReadonlyMap<string, string>;
  /** Still running when the store is closed: sleepers and waiters. */
  readonly running: readonly string[];
  /** Ended before the store is closed. */
  readonly ended: readonly string[];
}

/**
 * Writes a store at `dir` with an engine on `clock`: ended runs (an
 * activity, a continue-as-new chain, a parent and its child) and runs left
 * waiting (`sleepers` sleeping 60 s, two waiting for a signal). Closes it.
 */
export async function seedStore(
  dir: string,
  clock: VirtualClock,
  sleepers = 4,
): Promise<SeededRuns> {
  const engine = await Engine.open({
    store: dir,
    workflows: WORKFLOWS,
    activities: ACTIVITIES,
    clock,
  });
  const handles = new Map<string, WorkflowHandle<unknown>>();
  const running: string[] = [];
  try {
    handles.set('greet-1', await engine.start(greeter, 'ada', { workflowId: 'greet-1' }));
    handles.set('loop-1', await engine.start(looper, 2, { workflowId: 'loop-1' }));
    handles.set('parent-1', await engine.start(parent, 'bo', { workflowId: 'parent-1' }));
    for (let i = 1; i <= sleepers; i++) {
      const id = `sleep-${i}`;
      handles.set(id, await engine.start(sleeper, 60, { workflowId: id }));
      running.push(id);
    }
    for (const id of ['wait-1', 'wait-2']) {
      handles.set(id, await engine.start(waiter, null, { workflowId: id }));
      running.push(id);
    }
    const ended = ['greet-1', 'loop-1', 'parent-1'];
    for (const id of ended) await (handles.get(id) as WorkflowHandle<unknown>).result();
    await waitUntil(async () => {
      for (const id of running) {
        if ((await engine.describe(id)).phase !== 'running') return false;
      }
      return true;
    });
    const runIds = new Map<string, string>();
    for (const id of [...ended, 'parent-1/1', ...running]) {
      runIds.set(id, (await engine.describe(id)).runId);
    }
    return { runIds, running, ended: [...ended, 'parent-1/1'] };
  } finally {
    await engine.close();
  }
}

/** A raw LevelDB handle on a closed store: keys as UTF-8 strings, values as bytes. */
export type RawDb = Level<string, Uint8Array>;

/** Opens the LevelDB of a closed store directory for tampering. */
export async function withRawDb<T>(dir: string, fn: (db: RawDb) => Promise<T>): Promise<T> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  try {
    return await fn(db);
  } finally {
    await db.close();
  }
}

/** Every record of a closed store as `hex(key) hex(value)` lines, in key order. */
export async function dumpRecords(dir: string): Promise<string[]> {
  const db = new Level<Uint8Array, Uint8Array>(dir, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  try {
    const lines: string[] = [];
    for await (const [key, value] of db.iterator()) {
      lines.push(`${Buffer.from(key).toString('hex')} ${Buffer.from(value).toString('hex')}`);
    }
    return lines;
  } finally {
    await db.close();
  }
}

/** The raw keys of a sublevel (`!history!`, `!timers!`, ...) that contain every one of `parts`. */
export async function keysOf(db: RawDb, sublevel: string, ...parts: string[]): Promise<string[]> {
  const prefix = `!${sublevel}!`;
  const keys = await db.keys({ gte: prefix, lt: `!${sublevel}"` }).all();
  return keys.filter((key) => parts.every((part) => key.includes(part)));
}

/** Flips (XOR 0xff) the byte at `index` of a record's value (negative: from the end). */
export async function flipValueByte(db: RawDb, key: string, index: number): Promise<void> {
  const value = await db.get(key);
  if (value === undefined) throw new Error(`no record ${key}`);
  const bytes = Uint8Array.from(value);
  const at = index < 0 ? bytes.length + index : index;
  bytes[at] = (bytes[at] as number) ^ 0xff;
  await db.put(key, bytes);
}

/** Moves a record to another key, as a damaged key would hold it. */
export async function moveRecord(db: RawDb, from: string, to: string): Promise<void> {
  const value = await db.get(from);
  if (value === undefined) throw new Error(`no record ${from}`);
  await db.batch([
    { type: 'del', key: from },
    { type: 'put', key: to, value },
  ]);
}
