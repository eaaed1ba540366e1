// Run it: node --import tsx docs/examples/activities/retries.ts
import { ApplicationError, defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

let calls = 0;

/** Fails twice with a retryable error, then succeeds. */
export const fetchReport = defineActivity(
  'fetchReport',
  async (day: string, actx) => {
    calls++;
    if (actx.attempt < 3) throw new ApplicationError('upstream busy', { type: 'Busy' });
    return `report ${day} (attempt ${actx.attempt})`;
  },
  {
    retry: {
      maxAttempts: 4, // attempts in all, the first included (default 3)
      initialIntervalMs: 100, // wait before attempt 2 (default 1000)
      backoffCoefficient: 3, // then 300 ms before attempt 3 (default 2)
      maxIntervalMs: 1_000, // cap on one wait (default 60000)
    },
  },
);

export const dailyReport = defineWorkflow('dailyReport', async (ctx, day: string) =>
  ctx.activity(fetchReport, day),
);

export async function main(): Promise<{ result: string; calls: number; failures: unknown[] }> {
  return withScratchEngine(
    { workflows: [dailyReport], activities: [fetchReport] },
    async (engine) => {
      const handle = await engine.start(dailyReport, '2025-01-31');
      const result = await handle.result();
      // Each failed attempt is recorded, with when the next one is due.
      const failures = (await handle.history()).flatMap((event) =>
        event.type === 'ActivityFailed'
          ? [
              {
                attempt: event.attempt,
                error: event.error.name,
                waitMs: event.nextAttemptAt! - event.recordedAt,
              },
            ]
          : [],
      );
      console.log(result, calls); // report 2025-01-31 (attempt 3) 3
      console.log(failures);
      // [ { attempt: 1, error: 'Busy', waitMs: 100 }, { attempt: 2, error: 'Busy', waitMs: 300 } ]
      return { result, calls, failures };
    },
  );
}

runAsScript(import.meta.url, main);
