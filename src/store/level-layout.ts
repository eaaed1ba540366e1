import { Level } from 'level';
import { ErrorCode, StoreError } from '../core/index.js';
import type { IndexName } from './index-changes.js';

/**
 * The root database: utf8 keys and byte values. Batches write through it
 * with prefixed keys (see level-batch.ts); reads go through the sublevels.
 */
export type RootDb = Level<string, Uint8Array>;

function sublevelOf<V>(db: RootDb, name: string, valueEncoding: 'view' | 'utf8') {
  return db.sublevel<string, V>(name, { keyEncoding: 'utf8', valueEncoding });
}

/** A sublevel of {@link RootDb} with utf8 keys and values of type `V`. */
export type Sublevel<V> = ReturnType<typeof sublevelOf<V>>;

/**
 * The sublevels of a LevelStore. Names are the key prefixes on disk
 * (`!history!…`), documented in docs/storage.md; changing one is a format
 * change.
 */
export interface LevelLayout {
  readonly db: RootDb;
  /** `workflowId · runId · seq` -> msgpackr event. */
  readonly history: Sublevel<Uint8Array>;
  /** `workflowId · runId` -> msgpackr run summary. */
  readonly runs: Sublevel<Uint8Array>;
  /** The string-valued indexes, by {@link IndexName}. */
  readonly indexes: Readonly<Record<IndexName, Sublevel<string>>>;
}

/** The on-disk sublevel name of each index. */
export const INDEX_SUBLEVELS: Readonly<Record<IndexName, string>> = {
  latest: 'latest',
  nonTerminal: 'nonterminal',
  timers: 'timers',
  byStatus: 'by-status',
  byType: 'by-type',
  byStart: 'by-start',
};

/**
 * Opens the LevelDB directory at `location` (creating it when missing) and
 * its sublevels.
 *
 * @throws StoreError `STORE_LOCKED` when another process or store holds the
 * directory's lock, `STORE_CORRUPT` when LevelDB reports corruption, and
 * `STORE_WRITE_FAILED` for any other reason it could not open.
 */
export async function openLayout(location: string): Promise<LevelLayout> {
  const db: RootDb = new Level<string, Uint8Array>(location, {
    keyEncoding: 'utf8',
    valueEncoding: 'view',
  });
  try {
    await db.open({ passive: false });
  } catch (error) {
    throw openError(location, error);
  }
  const indexes = {} as Record<IndexName, Sublevel<string>>;
  for (const [index, name] of Object.entries(INDEX_SUBLEVELS) as Array<[IndexName, string]>) {
    indexes[index] = sublevelOf<string>(db, name, 'utf8');
  }
  return {
    db,
    history: sublevelOf<Uint8Array>(db, 'history', 'view'),
    runs: sublevelOf<Uint8Array>(db, 'runs', 'view'),
    indexes,
  };
}

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The StoreError of a LevelDB directory that would not open (locked, corrupt, or else). */
export function openError(location: string, error: unknown): StoreError {
  // level wraps the reason: LEVEL_DATABASE_NOT_OPEN with cause LEVEL_LOCKED.
  const cause = (error as { cause?: unknown } | null)?.cause;
  const codes = [codeOf(error), codeOf(cause)];
  if (codes.includes('LEVEL_LOCKED')) {
    return new StoreError(
      ErrorCode.STORE_LOCKED,
      `the store at ${location} is already open in this or another process`,
      { cause: error, details: { location } },
    );
  }
  if (codes.includes('LEVEL_CORRUPTION')) {
    return new StoreError(ErrorCode.STORE_CORRUPT, `the store at ${location} is corrupt`, {
      cause: error,
      details: { location },
    });
  }
  return new StoreError(
    ErrorCode.STORE_WRITE_FAILED,
    `the store at ${location} could not be opened`,
    {
      cause: error,
      details: { location },
    },
  );
}
