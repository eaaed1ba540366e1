import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { HistoryEvent } from '../../src/index.js';
import { replayHistory } from '../../src/testing/index.js';
import { examples } from '../fixtures/workflows.js';
import type { Example } from '../fixtures/workflows.js';

interface GoldenFile {
  readonly example: string;
  readonly workflowType: string;
  readonly input: unknown;
  readonly outcome: { readonly type: string; readonly result?: unknown };
  readonly history: HistoryEvent[];
}

const dir = fileURLToPath(new URL('../fixtures/histories/', import.meta.url));

function golden(name: string): GoldenFile {
  return JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as GoldenFile;
}

function example(name: string): Example {
  const found = examples.find((e) => e.name === name);
  if (found === undefined) throw new Error(`no example ${name}`);
  return found;
}

/** Renumbers seqs from 1 after events were removed or inserted. */
function renumber(events: HistoryEvent[]): HistoryEvent[] {
  return events.map((event, i) => ({ ...event, seq: i + 1 }));
}

function activityEvent(
  template: HistoryEvent,
  type: 'ActivityScheduled' | 'ActivityCompleted',
  activityId: number,
  activityType: string,
): HistoryEvent {
  const envelope = {
    seq: 0,
    recordedAt: template.recordedAt,
    workflowId: template.workflowId,
    runId: template.runId,
  };
  return type === 'ActivityScheduled'
    ? {
        ...envelope,
        type,
        activityId,
        activityType,
        input: 'tampered',
        options: {
          retry: {
            maxAttempts: 3,
            initialIntervalMs: 1000,
            backoffCoefficient: 2,
            maxIntervalMs: 60_000,
            nonRetryable: [],
          },
        },
      }
    : { ...envelope, type, activityId, attempt: 1, result: 'tampered' };
}

function shiftActivityIds(event: HistoryEvent, from: number): HistoryEvent {
  if ('activityId' in event && event.activityId >= from) {
    return { ...event, activityId: event.activityId + 1 };
  }
  return event;
}

async function expectNondeterminism(
  name: string,
  history: HistoryEvent[],
  expected: { seq: number; recorded: unknown; found: unknown },
): Promise<void> {
  const replay = await replayHistory(example(name).workflow, history);
  expect(replay.ok).toBe(false);
  if (replay.ok) return;
  expect(replay.error.code).toBe('NONDETERMINISM');
  expect(replay.error.details).toMatchObject({
    workflowId: history[0]!.workflowId,
    runId: history[0]!.runId,
    seq: expected.seq,
  });
  expect(replay.error.details?.recorded).toEqual(expected.recorded);
  expect(replay.error.details?.found).toEqual(expected.found);
  expect(replay.error.message).toContain(`at seq ${expected.seq}`);
}

const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -'.json'.length))
  .sort();

describe('golden histories', () => {
  it('has a committed history for every example', () => {
    expect(files).toEqual(examples.map((e) => e.name).sort());
  });

  it.each(files)('replays %s against the current code without nondeterminism', async (name) => {
    const file = golden(name);
    expect(file.history[0]).toMatchObject({ type: 'WorkflowStarted', input: file.input });
    const replay = await replayHistory(example(name).workflow, file.history);
    if (!replay.ok) throw replay.error;
    expect(replay.outcome.type).toBe(file.outcome.type);
    if (file.outcome.type === 'completed') {
      expect(replay.outcome).toEqual({ type: 'completed', result: file.outcome.result });
    }
  });

  it('replays a history cut short as an open run that would issue the next command', async () => {
    const { history } = golden('sequential');
    // Cut after the first completion: the code now schedules activity #2.
    const replay = await replayHistory(example('sequential').workflow, history.slice(0, 3));
    expect(replay).toEqual({
      ok: true,
      outcome: {
        type: 'open',
        nextCommands: [{ kind: 'activity', ordinal: 2, name: 'double' }],
      },
    });
  });
});

describe('tampered golden histories', () => {
  it('reports an activity renamed in history at its ActivityScheduled', async () => {
    const history = golden('sequential').history.map((event) =>
      event.type === 'ActivityScheduled' && event.activityId === 2
        ? { ...event, activityType: 'triple' }
        : event,
    );
    expect(history[3]).toMatchObject({ seq: 4, type: 'ActivityScheduled', activityId: 2 });
    await expectNondeterminism('sequential', history, {
      seq: 4,
      recorded: { kind: 'activity', ordinal: 2, name: 'triple' },
      found: { kind: 'activity', ordinal: 2, name: 'double' },
    });
  });

  it('reports a step removed from the middle where the next recorded step stands', async () => {
    const original = golden('sequential').history;
    const history = renumber(
      original.filter((event) => !('activityId' in event && event.activityId === 2)),
    );
    // WorkflowStarted, greet #1 (2, 3), then double #3 at seq 4.
    expect(history[3]).toMatchObject({ seq: 4, type: 'ActivityScheduled', activityId: 3 });
    await expectNondeterminism('sequential', history, {
      seq: 4,
      recorded: { kind: 'activity', ordinal: 3, name: 'double' },
      found: { kind: 'activity', ordinal: 2, name: 'double' },
    });
  });

  it('reports a last step removed as a command issued where the run ended', async () => {
    const original = golden('sequential').history;
    const history = renumber(
      original.filter((event) => !('activityId' in event && event.activityId === 3)),
    );
    expect(history[5]).toMatchObject({ seq: 6, type: 'WorkflowCompleted' });
    await expectNondeterminism('sequential', history, {
      seq: 6,
      recorded: { kind: 'end', name: 'WorkflowCompleted' },
      found: { kind: 'activity', ordinal: 3, name: 'double' },
    });
  });

  it('reports a step added in the middle at the added step', async () => {
    const original = golden('sequential').history;
    const at = original.findIndex((e) => e.type === 'ActivityScheduled' && e.activityId === 2);
    const template = original[at]!;
    const history = renumber([
      ...original.slice(0, at),
      activityEvent(template, 'ActivityScheduled', 2, 'audit'),
      activityEvent(template, 'ActivityCompleted', 2, 'audit'),
      ...original.slice(at).map((event) => shiftActivityIds(event, 2)),
    ]);
    expect(history[3]).toMatchObject({ seq: 4, activityType: 'audit' });
    await expectNondeterminism('sequential', history, {
      seq: 4,
      recorded: { kind: 'activity', ordinal: 2, name: 'audit' },
      found: { kind: 'activity', ordinal: 2, name: 'double' },
    });
  });

  it('reports a step added at the end as a recorded command the code never reached', async () => {
    const original = golden('sequential').history;
    const end = original.length - 1;
    const template = original[end]!;
    const history = renumber([
      ...original.slice(0, end),
      activityEvent(template, 'ActivityScheduled', 4, 'audit'),
      activityEvent(template, 'ActivityCompleted', 4, 'audit'),
      template,
    ]);
    expect(history[7]).toMatchObject({ seq: 8, activityType: 'audit' });
    await expectNondeterminism('sequential', history, {
      seq: 8,
      recorded: { kind: 'activity', ordinal: 4, name: 'audit' },
      found: undefined,
    });
  });

  it('reports a step removed from a Promise.all fan-out', async () => {
    const original = golden('fan-out').history;
    // Drop the greet branch (#3): the code still schedules it third.
    const history = renumber(
      original
        .filter((event) => !('activityId' in event && event.activityId === 3))
        .map((event) =>
          'activityId' in event && event.activityId === 4 ? { ...event, activityId: 3 } : event,
        ),
    );
    const seq = history.find((e) => e.type === 'ActivityScheduled' && e.activityId === 3)!.seq;
    await expectNondeterminism('fan-out', history, {
      seq,
      recorded: { kind: 'activity', ordinal: 3, name: 'double' },
      found: { kind: 'activity', ordinal: 3, name: 'greet' },
    });
  });

  it('reports a sleep of another duration at its TimerStarted', async () => {
    const history = golden('durable-sleep').history.map((event) =>
      event.type === 'TimerStarted' ? { ...event, durationMs: 300_000 } : event,
    );
    const seq = history.find((e) => e.type === 'TimerStarted')!.seq;
    await expectNondeterminism('durable-sleep', history, {
      seq,
      recorded: { kind: 'timer', ordinal: 1, name: '300000ms' },
      found: { kind: 'timer', ordinal: 1, name: '600000ms' },
    });
  });

  it('reports a run recorded as completed that the code now fails', async () => {
    const file = golden('failing');
    const history = file.history.map((event): HistoryEvent =>
      event.type === 'WorkflowFailed'
        ? {
            seq: event.seq,
            recordedAt: event.recordedAt,
            workflowId: event.workflowId,
            runId: event.runId,
            type: 'WorkflowCompleted',
            result: 'ok',
          }
        : event,
    );
    await expectNondeterminism('failing', history, {
      seq: history.length,
      recorded: { kind: 'end', name: 'WorkflowCompleted' },
      found: { kind: 'end', name: 'failed' },
    });
  });
});
