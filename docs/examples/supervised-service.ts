/**
 * A restart-on-crash service built only from `aion-ts/supervisors` (and the
 * XState logic it supervises). Run it with `npx tsx docs/examples/supervised-service.ts`.
 *
 * The tree:
 *
 * ```
 * service (one-for-one)
 * ├── parser   permanent: a machine that crashes on a malformed line
 * └── jobs     a nested supervisor with exponential backoff
 *     └── <job> transient dynamic children (fromPromise): retried only if they fail
 * ```
 */
import { pathToFileURL } from 'node:url';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { assign, fromPromise, setup } from 'xstate';
import {
  createSupervisor,
  worker,
  type StartInfo,
  type SupervisionEvent,
  type SupervisionTree,
} from 'aion-ts/supervisors';

/** Counts well-formed JSON lines; a malformed one makes its action throw, which crashes the actor. */
export const parser = setup({
  types: { context: {} as { parsed: number }, events: {} as { type: 'line'; text: string } },
}).createMachine({
  context: { parsed: 0 },
  on: {
    line: {
      actions: assign({
        parsed: ({ context, event }) => {
          JSON.parse(event.text);
          return context.parsed + 1;
        },
      }),
    },
  },
});

/** A job whose dependency fails on the first attempt when the job is called 'flaky'. */
export const job = fromPromise(async ({ input }: { input: { name: string; attempt: number } }) => {
  if (input.name === 'flaky' && input.attempt === 1) throw new Error('dependency unavailable');
  return `${input.name} done (attempt ${input.attempt})`;
});

/** What a run of the service saw. */
export interface ServiceReport {
  /** Every supervision event, formatted as printed. */
  readonly events: readonly string[];
  /** The tree once all jobs had finished. */
  readonly tree: SupervisionTree;
  /** The parser's count after its restart (a restart starts from a clean state). */
  readonly parsedAfterRestart: number;
}

const format = (e: SupervisionEvent): string => {
  const path = e.path.join('/');
  switch (e.type) {
    case 'crashed':
      return `crashed   ${path}: ${String(e.error)} -> ${e.decision}`;
    case 'exited':
      return `exited    ${path}: ${String(e.output)} -> ${e.decision}`;
    case 'restarted':
      return `restarted ${path} (restart #${e.restarts})`;
    case 'stopped':
      return `stopped   ${path} (${e.reason})`;
    default:
      return `${e.type.padEnd(9)} ${path}`;
  }
};

/**
 * Starts the service, feeds it a malformed line and three jobs (one of them
 * failing once), waits for the jobs, then shuts everything down in order.
 *
 * @param options - `backoffMs`: the jobs' first retry delay; `print`: where lines go.
 * @returns What happened.
 */
export async function runSupervisedService(
  options: { readonly backoffMs?: number; readonly print?: (line: string) => void } = {},
): Promise<ServiceReport> {
  const backoffMs = options.backoffMs ?? 100;
  const print = options.print ?? ((line: string) => console.log(line));
  const service = createSupervisor({
    id: 'service',
    strategy: 'one-for-one',
    intensity: { maxRestarts: 5, withinMs: 10_000 },
    children: [
      { id: 'parser', logic: parser, restart: 'permanent' },
      {
        id: 'jobs',
        supervisor: {
          strategy: 'one-for-one',
          intensity: { maxRestarts: 10, withinMs: 10_000 },
          backoff: { initialMs: backoffMs, maxMs: backoffMs * 10, factor: 2 },
        },
      },
    ],
  });
  const events: string[] = [];
  service.events$.subscribe((e) => {
    const line = format(e);
    events.push(line);
    print(line);
  });
  service.start();

  // 1. A malformed line crashes the parser; its supervisor restarts it.
  service.child('parser')?.send({ type: 'line', text: '{"price": 42}' });
  service.child('parser')?.send({ type: 'line', text: 'not json' });
  service.child('parser')?.send({ type: 'line', text: '{"price": 43}' });
  const parserState = service.child('parser')?.getSnapshot() as
    { context: { parsed: number } } | undefined;

  // 2. Jobs are transient dynamic children; their input is rebuilt at every
  //    (re)start, so a retried job knows its attempt number.
  const names = ['report', 'flaky', 'email'];
  const finished = firstValueFrom(
    service.events$.pipe(
      filter((e) => e.type === 'exited' && e.path[1] === 'jobs'),
      take(names.length),
      toArray(),
    ),
  );
  for (const name of names) {
    await service.startChild(
      worker({
        id: name,
        logic: job,
        restart: 'transient',
        input: (info: StartInfo) => ({ name, attempt: info.restarts + 1 }),
      }),
      'jobs',
    );
  }
  await finished;
  const tree = service.tree();
  print(
    JSON.stringify(
      tree.children.map((c) => ({ id: c.id, status: c.status, restarts: c.restarts })),
    ),
  );

  // 3. Ordered shutdown: children in reverse start order, subtrees first.
  await service.stop();
  return { events, tree, parsedAfterRestart: parserState?.context.parsed ?? -1 };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runSupervisedService();
}
