import {
  AionError,
  ErrorCode,
  InvalidArgumentError,
  WorkflowAlreadyStartedError,
  assertValidId,
  checkPayload,
} from '../core/index.js';
import type { EventBody } from '../core/index.js';
import type { AdmissionRelease } from '../store/index.js';
import type { WorkflowDefinition } from '../workflow/index.js';
import type { EngineRuntime } from './engine-runtime.js';
import { KeyedLock } from './keyed-lock.js';
import type { RunOperations } from './run-operations.js';
import { planStart } from './start-plan.js';
import type { StartOptions, StartPlan } from './start-plan.js';
import { createWorkflowHandle } from './workflow-handle.js';
import type { HandleBackend, WorkflowHandle } from './workflow-handle.js';
import { withAdmission } from './write-admission-gate.js';

/** What starting runs needs from the engine. */
export interface RunStartsDeps {
  readonly rt: EngineRuntime;
  readonly operations: RunOperations;
  /** What the handles of started runs call. */
  readonly backend: HandleBackend;
  /** Throws `ENGINE_CLOSED` once the engine closes. */
  assertOpen(): void;
  isClosing(): boolean;
}

/**
 * Starts from outside the runs (`engine.start`, `engine.signalWithStart`):
 * validated before anything is read or written, one at a time per workflow
 * id, and behind the store's backpressure.
 */
export class RunStarts {
  /** Starts of the same workflow id, one at a time. */
  readonly idLock = new KeyedLock();
  readonly #deps: RunStartsDeps;

  constructor(deps: RunStartsDeps) {
    this.#deps = deps;
  }

  /** Starts a run (see `Engine.start`). */
  async start<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    options: StartOptions,
  ): Promise<WorkflowHandle<O>> {
    const plan = this.#plan(workflow, input, options);
    return this.idLock.run(plan.workflowId, () =>
      this.#admitted(async (release) => {
        const running = this.#deps.rt.running.get(plan.workflowId);
        if (running !== undefined) {
          if (options.idempotent === true) return this.#handle<O>(plan.workflowId, running);
          throw new WorkflowAlreadyStartedError(plan.workflowId, running);
        }
        return this.#startRun<O>(plan, [], release);
      }),
    );
  }

  /** Signals the running run, or starts one with the signal (see `Engine.signalWithStart`). */
  async signalWithStart<I, O>(
    workflow: WorkflowDefinition<I, O> | string,
    input: I,
    name: string,
    payload: unknown,
    options: StartOptions & { readonly workflowId: string },
  ): Promise<WorkflowHandle<O>> {
    if (typeof options?.workflowId !== 'string') {
      throw new InvalidArgumentError('signalWithStart needs options.workflowId');
    }
    const { rt, operations } = this.#deps;
    const plan = this.#plan(workflow, input, options);
    assertValidId(name, 'signal name');
    checkPayload(payload, rt.options.maxPayloadBytes, 'signal payload');
    return this.idLock.run(plan.workflowId, async () => {
      for (let tries = 1; ; tries++) {
        const done = await this.#admitted(async (release) => {
          const running = rt.running.get(plan.workflowId);
          if (running === undefined) {
            return this.#startRun<O>(plan, [{ type: 'SignalReceived', name, payload }], release);
          }
          try {
            await operations.signal(plan.workflowId, running, name, payload, release);
          } catch (error) {
            // The run was ending (its terminal event recorded, not yet
            // durable): it takes no more signals, and once its end is
            // durable none is running, so the signal starts a new run.
            const ending =
              error instanceof AionError && error.code === ErrorCode.WORKFLOW_NOT_RUNNING;
            if (!ending || tries >= 3) throw error;
            return running;
          }
          return this.#handle<O>(plan.workflowId, running);
        });
        if (typeof done !== 'string') return done;
        // Its end is published (and the running index updated) once the
        // run's writer has nothing left in flight.
        const ending = rt.runs.get(plan.workflowId, done);
        await ending?.recorder.idle().catch(() => undefined);
      }
    });
  }

  #plan(workflow: WorkflowDefinition | string, input: unknown, options: StartOptions): StartPlan {
    this.#deps.assertOpen();
    const { rt } = this.#deps;
    const context = {
      registry: rt.registry,
      ids: rt.ids,
      clock: rt.clock,
      maxPayloadBytes: rt.options.maxPayloadBytes,
    };
    return planStart(context, workflow, input, options);
  }

  async #startRun<O>(
    plan: StartPlan,
    after: readonly EventBody[],
    release: AdmissionRelease,
  ): Promise<WorkflowHandle<O>> {
    this.#deps.assertOpen();
    // startRun hands its commit to the store before its first await: from
    // here on the commit counts in the store's queue, not the admission.
    const started = this.#deps.rt.startRun(plan, after);
    release();
    const runId = await started;
    return this.#handle<O>(plan.workflowId, runId);
  }

  /**
   * Backpressure (docs/storage.md): runs `work` once the store has room for
   * a write from outside the runs. Starts check for a running run inside
   * `work`, after the wait, so what they find is still true when they commit.
   */
  #admitted<T>(work: (release: AdmissionRelease) => Promise<T>): Promise<T> {
    return withAdmission(this.#deps.rt.store, () => this.#deps.isClosing(), work);
  }

  #handle<O>(workflowId: string, runId: string): WorkflowHandle<O> {
    return createWorkflowHandle<O>(this.#deps.backend, workflowId, runId);
  }
}
