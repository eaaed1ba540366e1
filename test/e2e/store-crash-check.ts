/**
 * The checks of the store crash test: read everything a killed writer left in
 * a LevelStore directory and verify it against what was acknowledged.
 */
import { Level } from 'level';
import { expect } from 'vitest';
import type { HistoryEvent, RunRef } from '../../src/core/index.js';
import {
  INDEX_SUBLEVELS,
  KEY_SEPARATOR,
  LevelStore,
  applyEvents,
  listingKey,
  runKey,
  timerKey,
} from '../../src/store/index.js';
import type { RunSummary } from '../../src/store/index.js';

/** One acknowledged append, as the child reports it: workflow id, run id, first seq, types. */
export type Ack = [string, string, number, string[]];

/** Every key of every sublevel, read with the store closed. */
async function rawKeys(dir: string): Promise<Map<string, string[]>> {
  const db = new Level<string, Uint8Array>(dir, { keyEncoding: 'utf8', valueEncoding: 'view' });
  await db.open();
  const bySublevel = new Map<string, string[]>();
  try {
    for (const key of await db.keys().all()) {
      const end = key.indexOf('!', 1);
      const name = key.slice(1, end);
      const list = bySublevel.get(name) ?? [];
      list.push(key.slice(end + 1));
      bySublevel.set(name, list);
    }
  } finally {
    await db.close();
  }
  return bySublevel;
}

const sorted = (keys: Iterable<string>): string[] => [...keys].sort();

/** Checks the continue-as-new and parent/child links that multi-run commits write. */
function expectLinks(histories: Map<string, HistoryEvent[]>): void {
  const history = (ref: RunRef | undefined): HistoryEvent[] =>
    ref === undefined ? [] : (histories.get(runKey(ref.workflowId, ref.runId)) ?? []);
  for (const events of histories.values()) {
    const start = events[0];
    if (start?.type !== 'WorkflowStarted') throw new Error('a run must begin with WorkflowStarted');
    const self = { workflowId: start.workflowId, runId: start.runId };
    if (start.previousRunId !== undefined) {
      const last = history({ workflowId: self.workflowId, runId: start.previousRunId }).at(-1);
      expect(last).toMatchObject({ type: 'WorkflowContinuedAsNew', nextRunId: self.runId });
    }
    if (start.parent !== undefined) {
      const started = history(start.parent).filter(
        (e) => e.type === 'ChildWorkflowStarted' && e.childRunId === self.runId,
      );
      expect(started, `parent of ${self.runId} records its start`).toHaveLength(1);
      const ordinal = Number(self.runId.slice(1));
      const recorded = history(start.parent).some(
        (e) =>
          e.type === 'ChildWorkflowCompleted' &&
          e.childOrdinal === ordinal &&
          e.childWorkflowId === self.workflowId,
      );
      expect(recorded, `completion of ${self.runId} recorded on both sides`).toBe(
        events.at(-1)?.type === 'WorkflowCompleted',
      );
    }
    for (const e of events) {
      if (e.type === 'WorkflowContinuedAsNew') {
        expect(history({ workflowId: self.workflowId, runId: e.nextRunId })[0]).toMatchObject({
          previousRunId: self.runId,
        });
      }
      if (e.type === 'ChildWorkflowStarted') {
        expect(history({ workflowId: e.childWorkflowId, runId: e.childRunId })[0]).toMatchObject({
          parent: self,
        });
      }
    }
  }
}

/**
 * Verifies a store directory left by a killed writer: every acknowledged
 * event is there, histories are contiguous, multi-run commits are whole, and
 * every index (on disk, key for key) agrees with the histories.
 *
 * @returns how many runs and events the store holds.
 */
export async function verifyStore(
  dir: string,
  acks: readonly Ack[],
): Promise<{ runs: number; events: number }> {
  const raw = await rawKeys(dir);
  const refs = new Map<string, RunRef>();
  for (const key of raw.get('history') ?? []) {
    const [workflowId, runId] = key.split(KEY_SEPARATOR) as [string, string];
    refs.set(runKey(workflowId, runId), { workflowId, runId });
  }
  const store = await LevelStore.open(dir);
  try {
    const histories = new Map<string, HistoryEvent[]>();
    const summaries: RunSummary[] = [];
    let events = 0;
    for (const [key, ref] of refs) {
      const history = await store.readHistory(ref.workflowId, ref.runId);
      expect(history.map((e) => e.seq)).toStrictEqual(history.map((_, i) => i + 1));
      histories.set(key, history);
      const summary = applyEvents(undefined, history);
      expect(await store.getRun(ref.workflowId, ref.runId)).toStrictEqual(summary);
      summaries.push(summary);
      events += history.length;
    }
    expect((raw.get('history') ?? []).length).toBe(events);
    for (const [workflowId, runId, firstSeq, types] of acks) {
      const stored = histories
        .get(runKey(workflowId, runId))
        ?.slice(firstSeq - 1, firstSeq - 1 + types.length);
      expect(
        stored?.map((e) => e.type),
        `acknowledged ${workflowId}/${runId}@${firstSeq}`,
      ).toStrictEqual(types);
    }
    expectLinks(histories);

    const expected = new Map<string, Set<string>>(
      Object.values(INDEX_SUBLEVELS).map((name) => [name, new Set()]),
    );
    const add = (sublevel: string, key: string): void => void expected.get(sublevel)?.add(key);
    const latest = new Map<string, string>();
    for (const s of summaries) {
      if (s.status === 'running') add('nonterminal', runKey(s.workflowId, s.runId));
      add('by-status', listingKey(s.status, s.startedAt, s.workflowId, s.runId));
      add('by-type', listingKey(s.workflowType, s.startedAt, s.workflowId, s.runId));
      add('by-start', listingKey('', s.startedAt, s.workflowId, s.runId));
      add('latest', s.workflowId);
      if ((latest.get(s.workflowId) ?? '') < s.runId) latest.set(s.workflowId, s.runId);
    }
    for (const history of histories.values()) {
      const open = new Set<string>();
      for (const e of history) {
        if (e.type === 'TimerStarted')
          open.add(timerKey(e.fireAt, e.workflowId, e.runId, e.timerId));
        if (e.type === 'TimerFired' || e.type === 'TimerCancelled') {
          open.delete(timerKey(e.fireAt, e.workflowId, e.runId, e.timerId));
        }
      }
      for (const key of open) add('timers', key);
    }
    for (const [sublevel, keys] of expected) {
      expect(sorted(raw.get(sublevel) ?? []), `index ${sublevel}`).toStrictEqual(sorted(keys));
    }
    expect(sorted(raw.get('runs') ?? [])).toStrictEqual(sorted(refs.keys()));
    for (const [workflowId, runId] of latest)
      expect(await store.getLatestRunId(workflowId)).toBe(runId);
    const running = summaries
      .filter((s) => s.status === 'running')
      .map((s) => runKey(s.workflowId, s.runId));
    expect(
      sorted((await store.listNonTerminal()).map((s) => runKey(s.workflowId, s.runId))),
    ).toStrictEqual(sorted(running));
    return { runs: refs.size, events };
  } finally {
    await store.close();
  }
}
