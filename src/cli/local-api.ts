import { defer, switchMap } from 'rxjs';
import type { Engine, RunRef } from '../index.js';
import type { AionApi, RunRow } from '../server/index.js';

function residentRuns(engine: Engine): Set<string> {
  const ids = new Set<string>();
  const visit = (node: ReturnType<Engine['tree']>): void => {
    if (node.kind === 'run') ids.add(node.id);
    node.children.forEach(visit);
  };
  visit(engine.tree());
  return ids;
}

/**
 * The {@link AionApi} of an engine opened in this process: the same
 * operations the HTTP API offers, called directly. `close()` closes the
 * engine.
 */
export function localApi(engine: Engine): AionApi {
  const handle = (workflowId: string, runId?: string) => engine.getHandle(workflowId, runId);
  return {
    mode: 'local',
    async list(filter = {}) {
      const page = await engine.list(filter);
      const resident = residentRuns(engine);
      const items: RunRow[] = page.items.map((run) => ({
        ...run,
        residency: resident.has(run.runId) ? 'resident' : 'suspended',
      }));
      return page.next === undefined ? { items } : { items, next: page.next };
    },
    async start(request): Promise<RunRef> {
      const { workflowType, input, ...options } = request;
      const started = await engine.start(workflowType, input, options);
      return { workflowId: started.workflowId, runId: started.runId };
    },
    describe: (workflowId, runId) => engine.describe(workflowId, runId),
    history: (workflowId, runId) => engine.history(workflowId, runId),
    signal: async (workflowId, name, payload, runId) =>
      (await handle(workflowId, runId)).signal(name, payload),
    query: async (workflowId, name, args = [], runId) =>
      (await handle(workflowId, runId)).query(name, ...args),
    cancel: async (workflowId, reason, runId) => (await handle(workflowId, runId)).cancel(reason),
    terminate: async (workflowId, reason, runId) =>
      (await handle(workflowId, runId)).terminate(reason),
    tree: () => Promise.resolve(engine.tree()),
    runEvents$: (workflowId, runId) =>
      defer(() => handle(workflowId, runId)).pipe(switchMap((h) => h.events$)),
    close: () => engine.close(),
  };
}
