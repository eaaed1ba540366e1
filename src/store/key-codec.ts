import type { TimerEntry } from './event-store.js';

/**
 * Separates the parts of a tuple key. Ids may not contain control characters
 * (core/ids.ts rejects them), so `\u0000` never occurs inside a part; and as
 * the smallest code point it makes `a·b` sort before `a!·…`, so tuple order
 * equals part-by-part order.
 */
export const KEY_SEPARATOR = '\u0000';

/**
 * The code point right after {@link KEY_SEPARATOR}: `prefix + KEY_END` is an
 * exclusive upper bound for every key starting with `prefix` (which ends in
 * the separator).
 */
export const KEY_END = '\u0001';

/** Digits of a fixed-width seq: up to 9,999,999,999 events per run. */
const SEQ_WIDTH = 10;

/** Digits of a fixed-width epoch-ms time: Number.MAX_SAFE_INTEGER has 16. */
const TIME_WIDTH = 16;

/** Pads a seq to {@link SEQ_WIDTH} digits so that keys sort numerically. */
export function padSeq(seq: number): string {
  return String(seq).padStart(SEQ_WIDTH, '0');
}

/** Pads a non-negative integer time to {@link TIME_WIDTH} digits. */
export function padTime(ms: number): string {
  return String(ms).padStart(TIME_WIDTH, '0');
}

/** True when `n` can be a key's time or seq part: a non-negative safe integer. */
export function isKeyNumber(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
}

/** `workflowId · runId`: the key of a run summary and of a non-terminal entry. */
export function runKey(workflowId: string, runId: string): string {
  return workflowId + KEY_SEPARATOR + runId;
}

/** `workflowId · runId · seq`: the key of one history event. */
export function historyKey(workflowId: string, runId: string, seq: number): string {
  return workflowId + KEY_SEPARATOR + runId + KEY_SEPARATOR + padSeq(seq);
}

/** The seq a history key ends with. */
export function seqOfHistoryKey(key: string): number {
  return Number(key.slice(key.length - SEQ_WIDTH));
}

/** Reads a history key back into its parts; `undefined` unless it is one. */
export function parseHistoryKey(
  key: string,
): { workflowId: string; runId: string; seq: number } | undefined {
  const parts = key.split(KEY_SEPARATOR);
  if (parts.length !== 3) return undefined;
  const [workflowId, runId, seq] = parts as [string, string, string];
  if (seq.length !== SEQ_WIDTH || !/^\d+$/.test(seq)) return undefined;
  if (workflowId.length === 0 || runId.length === 0) return undefined;
  return { workflowId, runId, seq: Number(seq) };
}

/** `fireAt · workflowId · runId · timerId`: the key of a due-timer entry. */
export function timerKey(
  fireAt: number,
  workflowId: string,
  runId: string,
  timerId: string,
): string {
  return (
    padTime(fireAt) + KEY_SEPARATOR + workflowId + KEY_SEPARATOR + runId + KEY_SEPARATOR + timerId
  );
}

/** Reads a due-timer key back into its entry; `undefined` unless the key is one exactly. */
export function parseTimerKey(key: string): TimerEntry | undefined {
  const parts = key.split(KEY_SEPARATOR);
  if (parts.length !== 4 || parts.some((part) => part.length === 0)) return undefined;
  const [fireAt, workflowId, runId, timerId] = parts as [string, string, string, string];
  const at = parseTime(fireAt);
  if (at === undefined) return undefined;
  return { fireAt: at, workflowId, runId, timerId };
}

/** A fixed-width time part back to its number; `undefined` unless it is one exactly. */
function parseTime(part: string): number | undefined {
  if (part.length !== TIME_WIDTH || !/^\d+$/.test(part)) return undefined;
  const at = Number(part);
  return isKeyNumber(at) ? at : undefined;
}

/**
 * `group · startedAt · workflowId · runId`: a listing key, where `group` is a
 * status (by-status), a workflow type (by-type) or empty (by-start). Start
 * time first, so a reverse iteration lists newest first.
 */
export function listingKey(
  group: string,
  startedAt: number,
  workflowId: string,
  runId: string,
): string {
  return (
    group + KEY_SEPARATOR + padTime(startedAt) + KEY_SEPARATOR + workflowId + KEY_SEPARATOR + runId
  );
}

/** The lower bound of a listing group from `startedAt` on (inclusive). */
export function listingFrom(group: string, startedAt: number): string {
  return group + KEY_SEPARATOR + padTime(startedAt);
}

/** The exclusive upper bound of every listing key of `group`. */
export function listingEnd(group: string): string {
  return group + KEY_END;
}

/** The `workflowId · runId` a listing key points at; `undefined` unless it is one exactly. */
export function runKeyOfListing(key: string): string | undefined {
  const parts = key.split(KEY_SEPARATOR);
  if (parts.length !== 4) return undefined;
  const [, startedAt, workflowId, runId] = parts as [string, string, string, string];
  if (parseTime(startedAt) === undefined || workflowId.length === 0 || runId.length === 0) {
    return undefined;
  }
  return runKey(workflowId, runId);
}

/** Splits a run key into its ids; `undefined` unless it is one exactly. */
export function parseRunKey(key: string): { workflowId: string; runId: string } | undefined {
  const parts = key.split(KEY_SEPARATOR);
  if (parts.length !== 2) return undefined;
  const [workflowId, runId] = parts as [string, string];
  if (workflowId.length === 0 || runId.length === 0) return undefined;
  return { workflowId, runId };
}

/**
 * A printable form of a stored key (`history/wf-1/01H.../0000000003`), for
 * error messages and `details.key` of `STORE_CORRUPT`. Parts are joined by
 * `/`; control characters a damaged key may hold are escaped (`\x07`), so
 * the form prints on one line.
 */
export function describeKey(sublevel: string, key: string): string {
  return sublevel + '/' + key.split(KEY_SEPARATOR).map(escapeControls).join('/');
}

/**
 * Escapes C0 and C1 control characters and DEL as `\xNN`, and U+FFFD (what
 * undecodable UTF-8 in a damaged key reads as) as `\ufffd`.
 */
function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\ufffd]/g, (c) =>
    c === '\ufffd' ? '\\ufffd' : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
