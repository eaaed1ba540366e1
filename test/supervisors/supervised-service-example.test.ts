import { describe, expect, it } from 'vitest';
import { runSupervisedService } from '../../docs/examples/supervised-service.js';

describe('docs/examples/supervised-service.ts', () => {
  it('restarts the crashed parser, retries the failed job with backoff, and shuts down in order', async () => {
    const printed: string[] = [];
    const report = await runSupervisedService({
      backoffMs: 1,
      print: (line) => printed.push(line),
    });
    expect(report.events).toEqual(printed.filter((line) => !line.startsWith('[')));
    expect(report.parsedAfterRestart).toBe(1);
    expect(
      report.events.filter((l) =>
        /^crashed {3}service\/parser: SyntaxError: .* -> restart$/.test(l),
      ),
    ).toHaveLength(1);
    expect(report.events).toContain('restarted service/parser (restart #1)');
    expect(report.events).toContain(
      'crashed   service/jobs/flaky: Error: dependency unavailable -> restart',
    );
    expect(report.events).toContain(
      'exited    service/jobs/flaky: flaky done (attempt 2) -> remove',
    );
    expect(report.events.filter((l) => l.startsWith('exited'))).toHaveLength(3);
    expect(report.tree.children.map((c) => `${c.id}:${c.restarts}`)).toEqual([
      'parser:1',
      'jobs:0',
    ]);
    expect(report.events.slice(-3)).toEqual([
      'stopped   service/jobs (shutdown)',
      'stopped   service/parser (shutdown)',
      'stopped   service (shutdown)',
    ]);
  });
});
