import { ErrorCode, StoreError, decode } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import { describeKey } from './key-codec.js';

/**
 * Builds the `STORE_CORRUPT` error of one stored record. `details.key` is the
 * printable key (`history/wf-1/01H.../0000000003`), so an operator can find
 * and repair or drop exactly that record.
 */
export function corruptRecord(
  sublevel: string,
  key: string,
  why: string,
  cause?: unknown,
): StoreError {
  const printable = describeKey(sublevel, key);
  return new StoreError(ErrorCode.STORE_CORRUPT, `stored record ${printable} is corrupt: ${why}`, {
    cause,
    details: { sublevel, key: printable },
  });
}

function decodeAt(sublevel: string, key: string, bytes: Uint8Array): unknown {
  try {
    return decode(bytes);
  } catch (cause) {
    throw corruptRecord(sublevel, key, 'it cannot be decoded', cause);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes a stored event and puts back the envelope its key holds (see
 * `encodeEvent`). Besides msgpackr failing, bytes that decode to something
 * other than an event body (garbage can decode to a number or a placeholder
 * object) are corruption too.
 *
 * @throws StoreError `STORE_CORRUPT` naming the key.
 */
export function decodeEvent(
  key: string,
  bytes: Uint8Array,
  workflowId: string,
  runId: string,
  seq: number,
): HistoryEvent {
  const body = decodeAt('history', key, bytes);
  if (!isRecord(body) || typeof body.type !== 'string' || typeof body.recordedAt !== 'number') {
    throw corruptRecord('history', key, `it does not hold event seq ${seq}`);
  }
  return {
    seq,
    recordedAt: body.recordedAt,
    workflowId,
    runId,
    ...body,
  } as unknown as HistoryEvent;
}
