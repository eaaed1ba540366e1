import { Command, InvalidArgumentError } from 'commander';
import { addStats, emptyStats, replayCommand } from './sim-result.js';
import type { SimResult } from './sim-result.js';
import { simulate } from './simulation.js';

/**
 * `npm run sim -- [--seeds N] [--start S] [--seed S] [--steps N]`: runs the
 * deterministic simulator over a range of seeds (or one), prints each
 * failing seed with the command that replays it, then the totals.
 */

const integer =
  (what: string) =>
  (value: string): number => {
    const n = Number(value);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new InvalidArgumentError(`${what} must be an integer >= 0`);
    return n;
  };

const program = new Command('sim')
  .description('Deterministic simulation of the aion-ts engine (docs/reliability.md)')
  .option('--seeds <n>', 'how many seeds to run', integer('--seeds'), 100)
  .option('--start <s>', 'the first seed', integer('--start'), 1)
  .option('--seed <s>', 'run this one seed, printing its trace tail', integer('--seed'))
  .option('--steps <n>', 'workload steps per seed', integer('--steps'), 60)
  .option('--dump', 'with --seed: print the whole trace and every final history')
  .option('--json', 'print the totals as JSON');

program.parse();
const options = program.opts<{
  seeds: number;
  start: number;
  seed?: number;
  steps: number;
  dump?: boolean;
  json?: boolean;
}>();

const seeds =
  options.seed === undefined
    ? Array.from({ length: options.seeds }, (_, i) => options.start + i)
    : [options.seed];

process.on('unhandledRejection', (reason) => {
  console.error('unhandled rejection:', reason);
  process.exitCode = 1;
});

const totals = emptyStats();
const failed: SimResult[] = [];
const began = Date.now();
for (const seed of seeds) {
  const result = await simulate({ seed, steps: options.steps, dump: options.dump === true });
  addStats(totals, result.stats);
  if (result.problems.length > 0) {
    failed.push(result);
    console.log(`seed ${seed} FAILED: ${result.problems[0]}`);
    console.log(`  replay: ${replayCommand(seed, options.steps)}`);
  }
  if (options.seed !== undefined) {
    console.log(`digest ${result.digest}`);
    for (const line of result.traceTail) console.log(`  ${line}`);
    for (const problem of result.problems) console.log(`problem: ${problem}`);
  }
}
const seconds = (Date.now() - began) / 1000;
if (options.json === true) {
  console.log(JSON.stringify({ ...totals, failedSeeds: failed.map((r) => r.seed), seconds }));
} else {
  console.log(
    [
      `seeds simulated   ${totals.seeds} (${failed.length} failed) in ${seconds.toFixed(1)} s, ${options.steps} steps each`,
      `crashes           ${totals.crashes} (unacknowledged commits kept ${totals.commitsKeptAtCrash}, lost ${totals.commitsLostAtCrash}); clean restarts ${totals.reopens}`,
      `runs              ${totals.runs} (${totals.ended} ended, ${totals.starts} started by the workload)`,
      `signals           ${totals.signalsSent} sent, ${totals.signalsAcked} acknowledged, ${totals.signalsLost} lost`,
      `outcomes          ${totals.outcomes} notices, ${totals.duplicatedOutcomes} duplicated`,
      `activities        ${totals.activityExecutions} attempts executed`,
      `operations        ${totals.queries} queries, ${totals.cancels} cancels, ${totals.terminations} terminations`,
      `histories replayed ${totals.replays}`,
    ].join('\n'),
  );
}
if (failed.length > 0) process.exitCode = 1;
