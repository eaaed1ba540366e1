// Run it: node --import tsx docs/examples/activities/heartbeats.ts
import { setTimeout as delay } from 'node:timers/promises';
import { defineActivity, defineWorkflow } from 'aion-ts';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchEngine } from '../support/scratch-engine.js';

/** Imports rows in chunks; the first attempt stalls at row 3 (a stuck connection). */
export const importRows = defineActivity(
  'importRows',
  async (rows: number, actx) => {
    // Where the previous attempt got to, from its last heartbeat.
    const from = (actx.lastHeartbeatDetails as { next: number } | undefined)?.next ?? 0;
    for (let row = from; row < rows; row++) {
      if (actx.attempt === 1 && row === 3) await delay(60_000, undefined, { signal: actx.signal });
      await delay(10, undefined, { signal: actx.signal }); // import one row
      actx.heartbeat({ next: row + 1 }); // "still alive, and here is where I am"
    }
    return { imported: rows - from, resumedAt: from, attempt: actx.attempt };
  },
  { heartbeatTimeoutMs: 200, retry: { initialIntervalMs: 50 } },
);

export const nightlyImport = defineWorkflow('nightlyImport', async (ctx, rows: number) =>
  ctx.activity(importRows, rows),
);

export async function main(): Promise<unknown> {
  return withScratchEngine(
    { workflows: [nightlyImport], activities: [importRows] },
    async (engine) => {
      const result = await (await engine.start(nightlyImport, 10)).result();
      console.log(result); // { imported: 7, resumedAt: 3, attempt: 2 }
      return result;
    },
  );
}

runAsScript(import.meta.url, main);
