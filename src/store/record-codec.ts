import { ErrorCode, StoreError, decode } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { eventShapeProblem } from './event-shape.js';
import { describeKey, historyKey, parseHistoryKey } from './key-codec.js';

/** The run a damaged record belongs to, when its key tells. */
export interface CorruptRun {
  readonly workflowId: string;
  readonly runId: string;
}

/**
 * Builds the `STORE_CORRUPT` error of one stored record. `details.key` is the
 * printable key (`history/wf-1/01H.../0000000003`), so an operator can find
 * and repair or drop exactly that record; `details.workflowId` and
 * `details.runId` name the run it belongs to when that is known, which is
 * how the engine knows which run to block.
 */
export function corruptRecord(
  sublevel: string,
  key: string,
  why: string,
  cause?: unknown,
  run?: CorruptRun,
): StoreError {
  const printable = describeKey(sublevel, key);
  return new StoreError(ErrorCode.STORE_CORRUPT, `stored record ${printable} is corrupt: ${why}`, {
    cause,
    details: {
      sublevel,
      key: printable,
      ...(run === undefined ? {} : { workflowId: run.workflowId, runId: run.runId }),
    },
  });
}

/**
 * Decodes a stored event and puts back the envelope its key holds (see
 * `encodeEvent`). Besides msgpackr failing, bytes that decode to something
 * other than an event body (garbage can decode to a number, a placeholder
 * object or an event missing a field the engine reads) are corruption too.
 *
 * @throws StoreError `STORE_CORRUPT` naming the key and the run.
 */
export function decodeEvent(
  key: string,
  bytes: Uint8Array,
  workflowId: string,
  runId: string,
  seq: number,
): HistoryEvent {
  const run = { workflowId, runId };
  let body: unknown;
  try {
    body = decode(bytes);
  } catch (cause) {
    throw corruptRecord('history', key, 'it cannot be decoded', cause, run);
  }
  const problem = eventShapeProblem(body) ?? envelopeProblem(body as object);
  if (problem !== undefined) {
    throw corruptRecord(
      'history',
      key,
      `it does not hold event seq ${seq}: ${problem}`,
      undefined,
      run,
    );
  }
  const { recordedAt } = body as { readonly recordedAt: number };
  return { seq, recordedAt, workflowId, runId, ...(body as object) } as HistoryEvent;
}

/** The key holds the envelope: a stored body that carries it was not written by us. */
function envelopeProblem(body: object): string | undefined {
  return Object.hasOwn(body, 'seq') ||
    Object.hasOwn(body, 'workflowId') ||
    Object.hasOwn(body, 'runId')
    ? 'it carries envelope fields that belong in its key'
    : undefined;
}

/**
 * Decodes the entries of one history range read, which must be exactly the
 * keys of seqs `from`, `from + 1`, ... of the run: a key that is not a
 * well-formed history key of this run, or a seq that skips one, is reported
 * instead of being handed to replay as if the history were whole.
 *
 * @param entries `[key, value]` pairs in key order, from one iterator over
 * the run's key range.
 * @throws StoreError `STORE_CORRUPT` naming the first damaged key.
 */
export function decodeHistory(
  entries: ReadonlyArray<readonly [string, Uint8Array]>,
  workflowId: string,
  runId: string,
  from: number,
): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  let seq = from;
  for (const [key, bytes] of entries) {
    if (key !== historyKey(workflowId, runId, seq)) {
      throw corruptRecord(
        'history',
        key,
        historyKeyProblem(key, workflowId, runId, seq),
        undefined,
        {
          workflowId,
          runId,
        },
      );
    }
    events.push(decodeEvent(key, bytes, workflowId, runId, seq));
    seq++;
  }
  return events;
}

function historyKeyProblem(key: string, workflowId: string, runId: string, seq: number): string {
  const parsed = parseHistoryKey(key);
  if (parsed === undefined || parsed.workflowId !== workflowId || parsed.runId !== runId) {
    return `the key is not a history key of this run (expected seq ${seq} here)`;
  }
  return parsed.seq > seq
    ? `history gap: seq ${seq} is missing before it`
    : `history out of order: expected seq ${seq}`;
}
