import type { IndexName } from './index-changes.js';
import { INDEX_NAMES } from './index-changes.js';
import { describeKey } from './key-codec.js';
import type { MemoryStoreData } from './memory-store.js';
import type { SortedMap } from './sorted-map.js';

/** A sublevel of the store as the doctor names it: the on-disk name. */
export type SublevelName =
  'history' | 'runs' | 'latest' | 'nonterminal' | 'timers' | 'by-status' | 'by-type' | 'by-start';

/** The on-disk sublevel name of each index (docs/storage.md). */
export const INDEX_SUBLEVEL_NAMES: Readonly<Record<IndexName, SublevelName>> = {
  latest: 'latest',
  nonTerminal: 'nonterminal',
  timers: 'timers',
  byStatus: 'by-status',
  byType: 'by-type',
  byStart: 'by-start',
};

/** One stored record as read, undecoded. */
export interface RawEntry {
  /** The key within its sublevel; damaged UTF-8 shows as U+FFFD here. */
  readonly key: string;
  /** False when the key bytes are not valid UTF-8 (then `key` is lossy). */
  readonly utf8: boolean;
  /** A printable form of the key, with its sublevel (`describeKey`). */
  readonly printable: string;
  readonly value: Uint8Array;
}

/**
 * Read-only access to every record of a store, below the `EventStore`
 * contract: what `verifyStore` needs to look at records the contract's
 * reads would refuse. Keys come back exactly as stored, values undecoded.
 */
export interface RawRecords {
  /** Every record of one sublevel, in key order. */
  entries(sublevel: SublevelName): AsyncIterable<RawEntry>;
  /** One record's value, or `undefined`. */
  get(sublevel: SublevelName, key: string): Promise<Uint8Array | undefined>;
  /** True when the sublevel holds a key starting with `prefix`. */
  hasPrefix(sublevel: SublevelName, prefix: string): Promise<boolean>;
  /** Records outside every sublevel of the layout (damaged prefixes). */
  strays(): AsyncIterable<RawEntry>;
}

const utf8 = new TextEncoder();

/**
 * The records of a {@link MemoryStoreData}, laid out like LevelStore's
 * (index values as UTF-8 bytes), so the same checks run on both stores.
 */
export function memoryRawRecords(data: MemoryStoreData): RawRecords {
  const tables = new Map<SublevelName, SortedMap<Uint8Array> | SortedMap<string>>([
    ['history', data.history],
    ['runs', data.runs],
  ]);
  for (const index of INDEX_NAMES) tables.set(INDEX_SUBLEVEL_NAMES[index], data.indexes[index]);
  const table = (sublevel: SublevelName): SortedMap<Uint8Array> | SortedMap<string> =>
    tables.get(sublevel) as SortedMap<Uint8Array> | SortedMap<string>;
  const bytes = (value: Uint8Array | string): Uint8Array =>
    typeof value === 'string' ? utf8.encode(value) : value;
  return {
    entries: (sublevel) =>
      fromArray(
        table(sublevel)
          .range()
          .map(([key, value]) => ({
            key,
            utf8: true,
            printable: describeKey(sublevel, key),
            value: bytes(value),
          })),
      ),
    get: (sublevel, key) => {
      const value = table(sublevel).get(key);
      return Promise.resolve(value === undefined ? undefined : bytes(value));
    },
    hasPrefix: (sublevel, prefix) => {
      const [first] = table(sublevel).range({ gte: prefix, limit: 1 });
      return Promise.resolve(first !== undefined && first[0].startsWith(prefix));
    },
    // Memory tables have no prefixes to damage.
    strays: () => fromArray([]),
  };
}

/** An array as an async iterable. */
function fromArray<T>(items: readonly T[]): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        next: () =>
          Promise.resolve<IteratorResult<T>>(
            i < items.length
              ? { value: items[i++] as T, done: false }
              : { value: undefined, done: true },
          ),
      };
    },
  };
}
