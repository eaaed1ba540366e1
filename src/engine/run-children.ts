import { ErrorCode } from '../core/index.js';
import type { EventBody, HistoryEvent, RunRef } from '../core/index.js';
import type { ChildCommand, OutstandingChild, WorkLedger } from '../run/index.js';
import type { RunAppend } from '../store/index.js';
import type { EngineCore } from './engine-core.js';
import type { Recorder } from './recorder.js';
import { childOutcomeBody, newRunAppend } from './run-events.js';

/** An event to record, with the other run's append that commits with it. */
export interface ChildRecord {
  readonly body: EventBody;
  readonly extra?: RunAppend;
}

/** What starting a child records in its parent, and the child's run id. */
export interface ChildStart {
  readonly runId: string;
  readonly records: readonly ChildRecord[];
}

/**
 * Plans a child start: `ChildWorkflowStarted` in the parent and, in the same
 * atomic batch, the child's own `WorkflowStarted` (with its execution
 * timeout timer), so no crash can leave one without the other. A child id
 * that already has a running run is refused by recording the refusal, not
 * by throwing: replay must see the same refusal.
 *
 * During replay (`current` false) nothing is recorded; only a run id is drawn.
 */
export function planChildStart(
  core: EngineCore,
  parent: RunRef,
  command: ChildCommand,
  current: boolean,
): ChildStart {
  const def = core.registry.workflow(command.def.name);
  const runId = core.newRunId(core.clock.now());
  if (!current) return { runId, records: [] };
  // Field order is the recorded order (stored bytes stay the same).
  const started = (childRunId: string, parentClosePolicy: ChildCommand['parentClosePolicy']) =>
    ({
      type: 'ChildWorkflowStarted',
      childOrdinal: command.childOrdinal,
      childWorkflowId: command.workflowId,
      childRunId,
      workflowType: def.name,
      input: command.input,
      parentClosePolicy,
    }) as const;
  const running = core.runningRunId(command.workflowId);
  if (running !== undefined) {
    const refusal: EventBody = {
      type: 'ChildWorkflowFailed',
      childOrdinal: command.childOrdinal,
      childWorkflowId: command.workflowId,
      error: {
        name: 'WorkflowAlreadyStartedError',
        code: ErrorCode.WORKFLOW_ALREADY_STARTED,
        message: `workflow '${command.workflowId}' already has a running run '${running}'`,
      },
    };
    return {
      runId: running,
      records: [{ body: started(running, 'abandon') }, { body: refusal }],
    };
  }
  const child = newRunAppend({
    workflowId: command.workflowId,
    runId,
    workflowType: def.name,
    input: command.input,
    recordedAt: core.clock.now(),
    parent,
    executionTimeoutMs: command.executionTimeoutMs,
  });
  return { runId, records: [{ body: started(runId, command.parentClosePolicy), extra: child }] };
}

/** The outstanding child of a run with this workflow id (the latest started). */
export function findChild(
  ledger: WorkLedger,
  childWorkflowId: string,
): OutstandingChild | undefined {
  let child: OutstandingChild | undefined;
  for (const candidate of ledger.children.values()) {
    if (candidate.childWorkflowId === childWorkflowId) child = candidate;
  }
  return child;
}

/** What a run's children need from their run host. */
export interface RunChildrenPort {
  readonly core: EngineCore;
  readonly ref: RunRef;
  readonly recorder: Recorder;
  ledger(): WorkLedger;
  record(body: EventBody, extra?: RunAppend): HistoryEvent;
  /**
   * Whether a child's outcome can be recorded now, must wait until the run
   * is loaded (its replay may hold it already), or is moot (the run ends).
   */
  outcomeTiming(): 'now' | 'later' | 'never';
}

/**
 * The child workflows of one run: starting them in the parent's batch,
 * recording their outcomes, finding outcomes missed while the parent was not
 * resident, and cancelling them with the parent.
 */
export class RunChildren {
  readonly #port: RunChildrenPort;
  #endsWhileLoading: Array<{ childWorkflowId: string; terminal: HistoryEvent }> = [];

  constructor(port: RunChildrenPort) {
    this.#port = port;
  }

  /** Starts a child (see {@link planChildStart}); returns its run id. */
  start(command: ChildCommand, current: boolean): string {
    const start = planChildStart(this.#port.core, this.#port.ref, command, current);
    for (const { body, extra } of start.records) this.#port.record(body, extra);
    return start.runId;
  }

  /**
   * A child ended (its terminal event is durable): record the outcome here,
   * which delivers it to the awaiting code.
   */
  ended(childWorkflowId: string, terminal: HistoryEvent): void {
    const timing = this.#port.outcomeTiming();
    if (timing === 'never') return;
    if (timing === 'later') {
      this.#endsWhileLoading.push({ childWorkflowId, terminal });
      return;
    }
    const child = findChild(this.#port.ledger(), childWorkflowId);
    if (child === undefined) return;
    const body = childOutcomeBody(child.childOrdinal, childWorkflowId, terminal);
    if (body !== undefined) this.#port.record(body);
  }

  /**
   * Once the run is live: the outcomes that arrived while it loaded, then
   * every child still awaited, asked of the store — it may have ended while
   * the parent was not resident, or between its terminal batch and the
   * parent's record if the process died.
   */
  resume(): void {
    for (const { childWorkflowId, terminal } of this.#endsWhileLoading.splice(0)) {
      this.ended(childWorkflowId, terminal);
    }
    const { core } = this.#port;
    for (const child of [...this.#port.ledger().children.values()]) {
      core
        .childOutcome(child.childWorkflowId, child.childRunId)
        .then((terminal) => {
          if (terminal !== undefined) this.ended(child.childWorkflowId, terminal);
        })
        .catch(() => undefined);
    }
  }

  /**
   * Children are cancelled once the request is durable (an effect may not
   * rest on what a crash could take back), and again after a recovery
   * (cancelling a child twice is harmless).
   */
  cancelAll(): void {
    const children = [...this.#port.ledger().children.values()];
    if (children.length === 0) return;
    this.#port.recorder.durable().then(
      () => {
        for (const child of children) this.#port.core.cancelChild(child.childWorkflowId);
      },
      () => undefined,
    );
  }
}
