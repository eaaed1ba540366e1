import type { Command } from 'commander';
import type { WorkflowDescription } from '../../index.js';
import { globalsOf, print, withStore } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import { formatAgo, formatDuration, formatTimestamp } from '../format-time.js';
import { renderTimeline } from '../timeline.js';

/** The description of a run as aligned `label  value` lines. */
export function describeText(d: WorkflowDescription, now: number): string {
  const closed =
    d.closedAt === undefined
      ? undefined
      : `${formatTimestamp(d.closedAt)} (took ${formatDuration(d.closedAt - d.startedAt)})`;
  const lines: [string, string | number | undefined][] = [
    ['workflow', `${d.workflowId}  ${d.workflowType}  ${d.status}`],
    ['run', d.runId],
    ['started', `${formatTimestamp(d.startedAt)} (${formatAgo(d.startedAt, now)})`],
    ['closed', closed],
    ['residency', d.residency],
    ['events', d.historyLength],
    ['pending', `${d.pendingActivities} activities, ${d.pendingTimers} timers`],
    ['restarts', d.restarts],
    ['blocked', d.blocked === undefined ? undefined : `${d.blocked.code}: ${d.blocked.message}`],
    ['parent', d.parent === undefined ? undefined : `${d.parent.workflowId} ${d.parent.runId}`],
    ['previous', d.previousRunId],
    ['next', d.nextRunId],
  ];
  return lines
    .filter(([, value]) => value !== undefined)
    .map(([label, value]) => `${label.padEnd(10)} ${String(value)}`)
    .join('\n');
}

/** `aion show`: a run's description and its history as a timeline. */
export function registerShow(program: Command, { io }: CommandDeps): void {
  program
    .command('show')
    .description('description of a run and its history as a timeline')
    .argument('<workflowId>', 'the workflow id')
    .option('--run <runId>', 'a specific run (default: the latest)')
    .action(async (workflowId: string, options: { run?: string }, command: Command) => {
      const globals = globalsOf(command);
      await withStore(io, { store: globals.store }, async ({ api }) => {
        const description = await api.describe(workflowId, options.run);
        const history = await api.history(workflowId, description.runId);
        print(io, globals, { description, history }, () =>
          [describeText(description, Date.now()), '', renderTimeline(history)].join('\n'),
        );
      });
    });
}
