import { describe, expect, it } from 'vitest';
import { main } from '../../docs/examples/supervision/engine-tree.js';

describe('docs/examples/supervision/engine-tree.ts', () => {
  it('restarts a crashing run by replay and fails a crash loop with CRASH_LOOP', async () => {
    const result = await main();
    expect(result.flaky).toBe('recovered');
    expect(result.broken).toBe('WORKFLOW_FAILED');
    expect(result.types).toEqual(expect.arrayContaining(['flaky', 'broken']));
    expect(result.events.filter((type) => type === 'crashed').length).toBeGreaterThanOrEqual(6);
    expect(result.events).toContain('restarted');
  });
});
