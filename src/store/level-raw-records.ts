import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Level } from 'level';
import { InvalidArgumentError } from '../core/index.js';
import { describeKey } from './key-codec.js';
import { openError } from './level-layout.js';
import type { RawEntry, RawRecords, SublevelName } from './raw-records.js';

/** The sublevels of the layout (docs/storage.md), in on-disk key order. */
const SUBLEVELS: readonly SublevelName[] = [
  'by-start',
  'by-status',
  'by-type',
  'history',
  'latest',
  'nonterminal',
  'runs',
  'timers',
];

// Key ranges as abstract-level sublevels lay them out: `!name!` up to `!name"`.
const prefixOf = (sublevel: string): string => `!${sublevel}!`;
const endOf = (sublevel: string): string => `!${sublevel}"`;

const encoder = new TextEncoder();
const strict = new TextDecoder('utf-8', { fatal: true });
const lossy = new TextDecoder('utf-8');

/** A LevelDB directory opened for reading every record as bytes. */
export interface LevelRawRecords extends RawRecords {
  close(): Promise<void>;
}

/**
 * Opens the LevelDB directory of a closed store for reading its raw
 * records: keys and values as bytes, so that damaged UTF-8 and prefixes
 * show as they are. It takes the directory's lock like a store does and
 * never creates a database. (LevelDB itself may rewrite its log and
 * manifest files on open; no record is written.)
 *
 * @throws InvalidArgumentError when there is no store at `location`;
 * StoreError `STORE_LOCKED` when an engine or store holds it.
 */
export async function openLevelRawRecords(location: string): Promise<LevelRawRecords> {
  // LevelDB keeps a CURRENT file in every database directory.
  if (!existsSync(join(location, 'CURRENT'))) {
    throw new InvalidArgumentError(`no store at ${location}`, { details: { location } });
  }
  const db = new Level<Uint8Array, Uint8Array>(location, {
    keyEncoding: 'view',
    valueEncoding: 'view',
    createIfMissing: false,
  });
  try {
    await db.open();
  } catch (error) {
    throw openError(location, error);
  }

  async function* range(gte: string, lt: string | undefined, strip: string, sublevel: string) {
    const iterator = db.iterator({
      gte: encoder.encode(gte),
      ...(lt === undefined ? {} : { lt: encoder.encode(lt) }),
    });
    try {
      for (;;) {
        const batch = await iterator.nextv(1000);
        if (batch.length === 0) return;
        for (const [key, value] of batch) yield rawEntry(key, value, strip.length, sublevel);
      }
    } finally {
      await iterator.close();
    }
  }

  return {
    entries: (sublevel) => range(prefixOf(sublevel), endOf(sublevel), prefixOf(sublevel), sublevel),
    get: (sublevel, key) => db.get(encoder.encode(prefixOf(sublevel) + key)),
    async hasPrefix(sublevel, prefix) {
      const gte = encoder.encode(prefixOf(sublevel) + prefix);
      const [first] = await db.keys({ gte, limit: 1 }).all();
      return first !== undefined && startsWith(first, gte);
    },
    async *strays() {
      // The gaps between the sublevels' ranges, and before and after them.
      let from = '';
      for (const sublevel of SUBLEVELS) {
        yield* range(from, prefixOf(sublevel), '', 'stray');
        from = endOf(sublevel);
      }
      yield* range(from, undefined, '', 'stray');
    },
    close: () => db.close(),
  };
}

function startsWith(bytes: Uint8Array, prefix: Uint8Array): boolean {
  if (bytes.length < prefix.length) return false;
  return prefix.every((byte, i) => bytes[i] === byte);
}

function rawEntry(key: Uint8Array, value: Uint8Array, skip: number, sublevel: string): RawEntry {
  const own = key.subarray(skip);
  let text: string;
  let utf8 = true;
  try {
    text = strict.decode(own);
  } catch {
    text = lossy.decode(own);
    utf8 = false;
  }
  return { key: text, utf8, printable: describeKey(sublevel, text), value };
}
