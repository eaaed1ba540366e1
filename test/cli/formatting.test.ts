import { describe, expect, it } from 'vitest';
import { collectDefinitions } from '../../src/cli/index.js';
import { formatAgo, formatDuration, formatOffset } from '../../src/cli/format-time.js';
import { renderTable, shortJson } from '../../src/cli/text-table.js';
import { TimelineWriter, renderTimeline } from '../../src/cli/timeline.js';
import type { HistoryEvent } from '../../src/index.js';
import { approval, charge, flaky, order } from './fixtures/shop.js';

const envelope = { workflowId: 'w', runId: 'r' };

describe('cli formatting', () => {
  it('formats durations for people', () => {
    expect(formatDuration(0)).toBe('0ms');
    expect(formatDuration(999)).toBe('999ms');
    expect(formatDuration(2_345)).toBe('2.35s');
    expect(formatDuration(42_000)).toBe('42.0s');
    expect(formatDuration(245_000)).toBe('4m05s');
    expect(formatDuration(3 * 3_600_000 + 7 * 60_000)).toBe('3h07m');
    expect(formatDuration(2 * 86_400_000 + 4 * 3_600_000)).toBe('2d4h');
    expect(formatOffset(1_500)).toBe('+1.50s');
    expect(formatAgo(1_000, 61_000)).toBe('1m00s ago');
    expect(formatAgo(61_000, 1_000)).toBe('in 1m00s');
  });

  it('aligns tables and shortens JSON', () => {
    const table = renderTable(
      [{ header: 'ID' }, { header: 'N', right: true }],
      [
        ['abc', '1'],
        ['d', '100'],
      ],
    );
    expect(table.split('\n')).toEqual(['ID     N', 'abc    1', 'd    100']);
    expect(shortJson({ big: 1n })).toBe('{"big":"1"}');
    expect(shortJson('x'.repeat(100), 10)).toBe('"xxxxxxxx…');
  });

  it('times each activity attempt from its scheduling or its retry time', () => {
    const events: HistoryEvent[] = [
      {
        ...envelope,
        seq: 1,
        recordedAt: 1_000,
        type: 'WorkflowStarted',
        workflowType: 't',
        input: 1,
        version: 1,
      },
      {
        ...envelope,
        seq: 2,
        recordedAt: 1_010,
        type: 'ActivityScheduled',
        activityId: 1,
        activityType: 'charge',
        input: null,
        options: {
          retry: {
            maxAttempts: 3,
            initialIntervalMs: 100,
            backoffCoefficient: 2,
            maxIntervalMs: 1000,
            nonRetryable: [],
          },
        },
      },
      {
        ...envelope,
        seq: 3,
        recordedAt: 1_060,
        type: 'ActivityFailed',
        activityId: 1,
        attempt: 1,
        error: { name: 'Error', message: 'boom' },
        retryable: true,
        nextAttemptAt: 1_160,
      },
      {
        ...envelope,
        seq: 4,
        recordedAt: 1_185,
        type: 'ActivityCompleted',
        activityId: 1,
        attempt: 2,
        result: 'ok',
      },
      {
        ...envelope,
        seq: 5,
        recordedAt: 3_500,
        type: 'WorkflowFailed',
        error: { name: 'Oops', message: 'bad', code: 'X' },
      },
    ];
    const writer = new TimelineWriter();
    const rows = events.map((e) => writer.row(e));
    expect(rows[2]).toEqual([
      '+60ms',
      '#3',
      'ActivityFailed',
      'charge #1 attempt 1 failed after 50ms: boom (retry in 100ms)',
    ]);
    expect(rows[3]).toEqual([
      '+185ms',
      '#4',
      'ActivityCompleted',
      'charge #1 attempt 2, took 25ms -> "ok"',
    ]);
    expect(rows[4]).toEqual(['+2.50s', '#5', 'WorkflowFailed', 'X: bad']);
    expect(renderTimeline(events).split('\n')[0]).toMatch(/^\s*TIME\s+SEQ\s+EVENT\s+DETAILS$/);
  });

  it('collects definitions from exports, arrays and objects, sorted by name', () => {
    const found = collectDefinitions({
      order,
      nested: { list: [approval, charge] },
      all: [flaky, order],
      other: 42,
      nothing: null,
    });
    expect(found.workflows.map((w) => w.name)).toEqual(['approval', 'order']);
    expect(found.activities.map((a) => a.name)).toEqual(['charge', 'flaky']);
  });
});
