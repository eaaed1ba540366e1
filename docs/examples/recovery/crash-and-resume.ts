// Run it: node --import tsx docs/examples/recovery/crash-and-resume.ts
import { spawn } from 'node:child_process';
import { appendFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Engine, defineActivity, defineWorkflow } from 'aion-ts';
import { filter, firstValueFrom } from 'rxjs';
import { runAsScript } from '../support/run-as-script.js';
import { withScratchStore } from '../support/scratch-engine.js';

/** Journals each attempt to a file, so we can see what ran in which process. */
export const step = defineActivity(
  'step',
  async (input: { journal: string; name: string }, actx) => {
    await appendFile(input.journal, `${input.name} attempt ${actx.attempt} pid ${process.pid}\n`);
    return input.name;
  },
);

export const pipeline = defineWorkflow('pipeline', async (ctx, journal: string) => {
  const done = [await ctx.activity(step, { journal, name: 'extract' })];
  await ctx.sleep('500ms');
  done.push(await ctx.activity(step, { journal, name: 'transform' }));
  done.push(await ctx.activity(step, { journal, name: 'load' }));
  return done;
});

/** The first process: starts the run, and kills itself (kill -9) once it sleeps. */
async function doomedProcess(store: string, journal: string): Promise<void> {
  const engine = await Engine.open({ store, workflows: [pipeline], activities: [step] });
  const handle = await engine.start(pipeline, journal, { workflowId: 'pipeline-1' });
  await firstValueFrom(handle.events$.pipe(filter((event) => event.type === 'TimerStarted')));
  process.kill(process.pid, 'SIGKILL'); // no close(), no flush, no goodbye
}

export async function main(): Promise<{ result: string[]; journal: string[] }> {
  return withScratchStore(async (store) => {
    const journal = join(store, 'journal.txt');
    // Run this file again in a child process, which dies half-way.
    const root = fileURLToPath(new URL('../../../', import.meta.url));
    const file = fileURLToPath(import.meta.url);
    await new Promise((resolve) =>
      spawn(process.execPath, ['--import', 'tsx', file, '--doomed', store, journal], {
        cwd: root,
        stdio: 'inherit',
      }).on('exit', resolve),
    );

    // A new engine on the same directory recovers the run and finishes it.
    const engine = await Engine.open({ store, workflows: [pipeline], activities: [step] });
    const result = await (await engine.getHandle<string[]>('pipeline-1')).result();
    await engine.close();
    const lines = (await readFile(journal, 'utf8')).trim().split('\n');
    console.log(result); // [ 'extract', 'transform', 'load' ]
    console.log(lines); // extract in the first pid; transform and load in this one
    return { result, journal: lines };
  });
}

runAsScript(import.meta.url, () =>
  process.argv[2] === '--doomed'
    ? doomedProcess(process.argv[3] ?? '', process.argv[4] ?? '')
    : main(),
);
