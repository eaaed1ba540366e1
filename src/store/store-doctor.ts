import { InvalidArgumentError } from '../core/index.js';
import { checkHistories } from './doctor-histories.js';
import { checkIndexes } from './doctor-indexes.js';
import { openLevelRawRecords } from './level-raw-records.js';
import type { MemoryStoreData } from './memory-store.js';
import { memoryRawRecords } from './raw-records.js';
import type { RawRecords } from './raw-records.js';
import { ProblemLog } from './store-problems.js';
import type { StoreVerification, VerifyOptions } from './store-problems.js';

const DEFAULT_MAX_PROBLEMS = 1000;

function maxProblemsOf(options: VerifyOptions): number {
  const max = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  if (typeof max !== 'number' || !Number.isSafeInteger(max) || max < 1) {
    throw new InvalidArgumentError('maxProblems must be an integer >= 1', {
      details: { maxProblems: max },
    });
  }
  return max;
}

/**
 * Checks every record of a store, read-only: the history pass (keys, seqs,
 * events, each summary against the projection of its history, and the
 * index entries each run needs), then the index pass (each index entry
 * against the run it names), then records outside the layout.
 *
 * @returns what was read and every problem found.
 */
export async function verifyRecords(
  records: RawRecords,
  options: VerifyOptions = {},
): Promise<StoreVerification> {
  const log = new ProblemLog(maxProblemsOf(options));
  const facts = await checkHistories(records, log);
  await checkIndexes(records, log, facts);
  return log.result();
}

/**
 * Checks a closed LevelStore directory and lists what is damaged or
 * inconsistent, without writing a record: what `aion doctor` runs. It takes
 * the directory's lock for the duration, like a store would.
 *
 * Detected: undecodable events and summaries, damaged keys of every
 * sublevel, gaps in a run's seqs, histories no run could have recorded,
 * summaries that disagree with their history, history without a summary and
 * the reverse, index entries naming missing runs or disagreeing with them
 * (non-terminal entries of ended runs, timer entries of ended runs or of
 * timers that are not open), and index entries a run needs but lacks.
 * Damage inside a payload that still decodes to a well-formed event cannot
 * be detected: stored events carry no checksum.
 *
 * @param location the store directory.
 * @param options `maxProblems` (default 1000): the most problems listed.
 * @returns the counts and problems; `ok` when there are none.
 * @throws InvalidArgumentError when there is no store at `location`;
 * StoreError `STORE_LOCKED` when an engine has it open.
 *
 * @example
 * ```ts
 * const report = await verifyStore('./.aion');
 * for (const problem of report.problems) console.log(problem.key, problem.message);
 * ```
 */
export async function verifyStore(
  location: string,
  options: VerifyOptions = {},
): Promise<StoreVerification> {
  maxProblemsOf(options);
  const records = await openLevelRawRecords(location);
  try {
    return await verifyRecords(records, options);
  } finally {
    await records.close();
  }
}

/**
 * {@link verifyStore} for the tables of a `MemoryStore` (its `data`): the
 * same checks, for tests and simulations that want to know that indexes and
 * summaries agree with histories.
 *
 * @example
 * ```ts
 * const report = await verifyMemoryStore(store.data);
 * expect(report.problems).toEqual([]);
 * ```
 */
export function verifyMemoryStore(
  data: MemoryStoreData,
  options: VerifyOptions = {},
): Promise<StoreVerification> {
  return verifyRecords(memoryRawRecords(data), options);
}
