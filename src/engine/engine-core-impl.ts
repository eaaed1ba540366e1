import type { EngineCore } from './engine-core.js';
import type { EngineRuntime, EngineRuntimeCallbacks } from './engine-runtime.js';

const yieldToMicrotasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The {@link EngineCore} run hosts see, over a runtime's parts. Built once
 * per engine, as one literal: hosts call it on every step.
 *
 * @param rt the runtime, with every part already built.
 * @param callbacks the public engine's side, asked whether it is closing.
 * @param published the runtime's handler of durable events.
 */
export function createEngineCore(
  rt: EngineRuntime,
  callbacks: EngineRuntimeCallbacks,
  published: EngineCore['published'],
): EngineCore {
  return {
    store: rt.store,
    clock: rt.clock,
    registry: rt.registry,
    timers: rt.timers,
    newRunId: rt.ids,
    maxPayloadBytes: rt.options.maxPayloadBytes,
    onNondeterminism: rt.options.onNondeterminism,
    storeHealth: rt.storeHealth,
    isClosing: () => callbacks.isClosing(),
    published,
    timerReleased: (entry) => rt.timers.release(entry),
    runEnded: (host, terminal) => {
      rt.runs.ended(host);
      rt.relations.runEnded(host, terminal);
    },
    touched: (host) => rt.runs.touched(host),
    runningRunId: (workflowId) => rt.running.get(workflowId),
    sendSignal: (target, name, payload) => rt.relations.sendSignal(target, name, payload),
    cancelChild: (childWorkflowId) => rt.relations.cancelChild(childWorkflowId),
    adoptOrphan: (host) => rt.relations.adoptOrphan(host),
    childOutcome: (childWorkflowId, childRunId) =>
      rt.relations.childOutcome(childWorkflowId, childRunId),
    stopRunActor: (workflowId, runId) => rt.hosting.stop(workflowId, runId),
    rehost: (host) => {
      if (callbacks.isClosing()) return;
      rt.hosting.stop(host.workflowId, host.runId);
      rt.hosting.spawn(host);
    },
    runBlocked: (workflowId, runId, error) =>
      rt.hosting.report({ type: 'blocked', path: ['engine', 'workflows', runId], error }),
    runCorrupt: (host, error) => rt.runs.block(host, error),
    yieldToMicrotasks,
  };
}
