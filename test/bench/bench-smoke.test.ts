import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { engineWorkload } from '../../bench/engine.js';
import { recoveryWorkload } from '../../bench/recovery.js';
import { residencyWorkload } from '../../bench/residency.js';
import { storeWorkload } from '../../bench/store.js';
import { supervisorsWorkload } from '../../bench/supervisors.js';
import type { BenchRow } from '../../bench/workload.js';

// Benchmarks are not tests: this only keeps every workload working, in its
// tiny smoke mode. No figure is asserted beyond being a number.
const scratch = await mkdtemp(join(tmpdir(), 'aion-bench-smoke-'));
afterAll(() => rm(scratch, { recursive: true, force: true }));

describe('bench (smoke mode)', () => {
  const printed: BenchRow[] = [];
  for (const workload of [
    storeWorkload,
    engineWorkload,
    residencyWorkload,
    recoveryWorkload,
    supervisorsWorkload,
  ]) {
    it(`runs the ${workload.name} workload`, { timeout: 120_000 }, async () => {
      const rows = await workload.run({ smoke: true, durationMs: 100, rounds: 1, scratch });
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(Number.isFinite(row.value)).toBe(true);
      printed.push(...rows);
    });
  }

  it('reads every workload W1-W7 against the raw ceiling', () => {
    for (const workload of ['W1', 'W2', 'W3', 'W4', 'W5', 'W6', 'W7']) {
      const shares = printed.filter(
        (row) => row.workload === workload && /\d% of ceiling/.test(row.note ?? ''),
      );
      expect(shares.length, workload).toBeGreaterThan(0);
    }
  });
});
