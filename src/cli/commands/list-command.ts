import type { Command } from 'commander';
import type { WorkflowStatus } from '../../index.js';
import { globalsOf, positiveInteger, print, withStore } from '../command-context.js';
import type { CommandDeps } from '../command-context.js';
import { formatAgo, formatDuration } from '../format-time.js';
import { renderTable } from '../text-table.js';

interface ListOptions {
  readonly status?: WorkflowStatus;
  readonly type?: string;
  readonly limit?: number;
  readonly cursor?: string;
}

/** `aion list`: a table of runs, newest first. */
export function registerList(program: Command, { io }: CommandDeps): void {
  program
    .command('list')
    .description('table of runs, newest first')
    .option('--status <status>', 'only runs with this status (running, completed, failed, ...)')
    .option('--type <type>', 'only runs of this workflow type')
    .option('--limit <n>', 'at most this many runs (default 100)', positiveInteger)
    .option('--cursor <cursor>', 'continue after a previous page (its "next")')
    .action(async (options: ListOptions, command: Command) => {
      const globals = globalsOf(command);
      await withStore(io, { store: globals.store }, async ({ api }) => {
        const page = await api.list({
          ...(options.status === undefined ? {} : { status: options.status }),
          ...(options.type === undefined ? {} : { workflowType: options.type }),
          ...(options.limit === undefined ? {} : { limit: options.limit }),
          ...(options.cursor === undefined ? {} : { cursor: options.cursor }),
        });
        const now = Date.now();
        print(io, globals, page, () => {
          if (page.items.length === 0) return 'no runs';
          const rows = page.items.map((run) => [
            run.workflowId,
            run.workflowType,
            run.status,
            run.status === 'running' ? run.residency : '',
            formatAgo(run.startedAt, now),
            formatDuration((run.closedAt ?? now) - run.startedAt),
            String(run.historyLength),
          ]);
          const table = renderTable(
            [
              { header: 'WORKFLOW ID' },
              { header: 'TYPE' },
              { header: 'STATUS' },
              { header: 'RESIDENCY' },
              { header: 'STARTED' },
              { header: 'DURATION', right: true },
              { header: 'EVENTS', right: true },
            ],
            rows,
          );
          return page.next === undefined ? table : `${table}\nmore: --cursor ${page.next}`;
        });
      });
    });
}
