import { AionError, ErrorCode } from '../core/index.js';
import type { HistoryEvent } from '../core/index.js';
import type { EventStore } from '../store/index.js';
import type { RunHost } from './run-host.js';
import { isStoreFault } from './store-health.js';

/** What {@link createRunRelations} needs from the engine. */
export interface RelationsBackend {
  readonly store: EventStore;
  /** The host of a running run, rehydrated if it was suspended. */
  wake(workflowId: string, runId: string): Promise<RunHost | undefined>;
  signal(workflowId: string, name: string, payload: unknown): Promise<void>;
  cancel(workflowId: string, reason: string): Promise<void>;
  terminate(workflowId: string, reason: string): Promise<void>;
  report(error: unknown): void;
  /** Resolves once the store can be written again (see store-health.ts). */
  whenWritable(): Promise<void>;
}

/** How runs affect each other: parents and children, signals between runs. */
export interface RunRelations {
  /** A run ended: tell its parent, apply its children's close policies. */
  runEnded(host: RunHost, terminal: HistoryEvent): void;
  /** Delivers a recorded `SignalSent`. */
  sendSignal(targetWorkflowId: string, name: string, payload: unknown): void;
  /** Cancels a child's latest run. */
  cancelChild(childWorkflowId: string): void;
  /**
   * A child was loaded: if its parent ended while no one applied the close
   * policy (the process died in between), apply it now.
   */
  adoptOrphan(host: RunHost): void;
  /** The terminal event that ended a child's chain of runs, or `undefined` while it runs. */
  childOutcome(childWorkflowId: string, childRunId: string): Promise<HistoryEvent | undefined>;
}

/**
 * Parent/child and run-to-run effects (SPEC section 7). A child's outcome is
 * recorded in its parent when the child's terminal event is durable; a
 * crash in between is repaired when the parent is next loaded, which asks
 * {@link RunRelations.childOutcome} for every child it still waits on.
 * Signals between runs are delivered once their `SignalSent` is durable: at
 * most once, since a crash right after the send loses the delivery.
 */
export function createRunRelations(backend: RelationsBackend): RunRelations {
  const quietly = (work: Promise<void>): void => {
    work.catch((error: unknown) => backend.report(error));
  };
  // These effects follow from durable events: a store fault postpones them
  // until the store can be written again, it does not drop them. A refused
  // write wrote nothing, so trying again cannot apply one twice.
  const persistently = async (act: () => Promise<void>): Promise<void> => {
    for (;;) {
      try {
        return await act();
      } catch (error) {
        if (!isStoreFault(error)) throw error;
        await backend.whenWritable();
        // A run being rebuilt after the fault may refuse once more: let it
        // get on with the rebuild before trying again.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  };
  // A child that already ended needs no close policy.
  const unlessEnded = (act: () => Promise<void>): void => {
    quietly(
      persistently(act).catch((error: unknown) => {
        if (!(error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_RUNNING))
          throw error;
      }),
    );
  };

  return {
    runEnded(host, terminal) {
      const { parent } = host;
      if (parent !== undefined && terminal.type !== 'WorkflowContinuedAsNew') {
        // A suspended parent wakes for its child's outcome.
        quietly(
          backend
            .wake(parent.workflowId, parent.runId)
            .then((parentHost) => parentHost?.childEnded(host.workflowId, terminal)),
        );
      }
      if (terminal.type === 'WorkflowContinuedAsNew') return;
      for (const child of host.ledger.children.values()) {
        const reason = `parent ${host.workflowId} run ${host.runId} ended`;
        if (child.parentClosePolicy === 'terminate') {
          unlessEnded(() => backend.terminate(child.childWorkflowId, reason));
        } else if (child.parentClosePolicy === 'cancel') {
          unlessEnded(() => backend.cancel(child.childWorkflowId, reason));
        }
      }
    },

    sendSignal(targetWorkflowId, name, payload) {
      quietly(persistently(() => backend.signal(targetWorkflowId, name, payload)));
    },

    cancelChild(childWorkflowId) {
      unlessEnded(() => backend.cancel(childWorkflowId, 'parent cancelled'));
    },

    adoptOrphan(host) {
      const { parent } = host;
      if (parent === undefined) return;
      quietly(
        (async () => {
          const run = await backend.store.getRun(parent.workflowId, parent.runId);
          if (run === undefined || run.status === 'running' || run.status === 'continuedAsNew') {
            return;
          }
          const history = await backend.store.readHistory(parent.workflowId, parent.runId);
          const started = history.find(
            (e) => e.type === 'ChildWorkflowStarted' && e.childWorkflowId === host.workflowId,
          );
          if (started?.type !== 'ChildWorkflowStarted') return;
          const reason = `parent ${parent.workflowId} run ${parent.runId} ended`;
          if (started.parentClosePolicy === 'terminate') {
            unlessEnded(() => backend.terminate(host.workflowId, reason));
          } else if (started.parentClosePolicy === 'cancel') {
            unlessEnded(() => backend.cancel(host.workflowId, reason));
          }
        })(),
      );
    },

    async childOutcome(childWorkflowId, childRunId) {
      let run = await backend.store.getRun(childWorkflowId, childRunId);
      while (run?.status === 'continuedAsNew' && run.nextRunId !== undefined) {
        run = await backend.store.getRun(childWorkflowId, run.nextRunId);
      }
      if (run === undefined || run.status === 'running') return undefined;
      const [last] = await backend.store.readHistory(
        run.workflowId,
        run.runId,
        run.historyLength,
        run.historyLength,
      );
      return last;
    },
  };
}
