import { InvalidArgumentError, assertValidId } from '../core/index.js';
import type { Duration } from '../core/index.js';
import type {
  ActivityDefinition,
  ActivityOptions,
  CancellationState,
  ChildHandle,
  ChildOptions,
  DurableTimer,
  SignalWaitOptions,
  WorkflowContext,
  WorkflowDefinition,
} from '../workflow/index.js';
import { assertOptions, refuse } from './command-refusal.js';
import { startChildRun } from './context-children.js';
import { receiveSignal, sendSignal } from './context-signals.js';
import { durableTimer, sleepFor, withDurableTimeout } from './context-timers.js';
import { ContinueAsNewCommand } from './continue-as-new.js';
import type { RunExecution } from './run-execution.js';

/**
 * Builds the `ctx` handed to workflow code. Every method funnels through the
 * execution: allocate an ordinal synchronously, match it against history or
 * hand it to the host live, then wait for the recorded completion.
 */
export function createWorkflowContext(exec: RunExecution): WorkflowContext {
  const { started } = exec;

  const ctx: WorkflowContext = {
    workflowId: started.workflowId,
    runId: started.runId,
    workflowType: started.workflowType,
    ...(started.parent === undefined ? {} : { parentRunId: started.parent.runId }),

    activity<I, O>(def: ActivityDefinition<I, O>, input: I, options?: ActivityOptions): Promise<O> {
      try {
        exec.assertNotInQuery('activity');
        if (def?.kind !== 'activity') {
          throw new InvalidArgumentError('ctx.activity needs an activity definition');
        }
        assertOptions(options, 'ctx.activity');
        exec.checkPayload(input, 'activity input');
        exec.host.checkActivity?.(def, options);
      } catch (error) {
        return refuse(error);
      }
      const activityId = exec.nextOrdinal('activity');
      const live = exec.matchCommand({ kind: 'activity', ordinal: activityId, name: def.name });
      if (live === 'blocked') return exec.blockedPromise;
      exec.noteActivityType(activityId, def.name);
      const result = exec.waitFor<O>(`a${activityId}`);
      if (live) {
        exec.host.scheduleActivity({
          activityId,
          def: def,
          input,
          options,
        });
      }
      return result;
    },

    sleep(duration: Duration): Promise<void> {
      return sleepFor(exec, duration);
    },

    timer(duration: Duration): DurableTimer {
      return durableTimer(exec, duration);
    },

    signal<T>(name: string, options?: SignalWaitOptions): Promise<T> {
      return receiveSignal<T>(exec, name, options);
    },

    onQuery<R>(name: string, handler: (...args: unknown[]) => R): void {
      assertValidId(name, 'query name');
      if (typeof handler !== 'function')
        throw new InvalidArgumentError('a query handler must be a function');
      exec.queries.set(name, handler);
    },

    child<I, O>(def: WorkflowDefinition<I, O>, input: I, options?: ChildOptions): Promise<O> {
      try {
        exec.assertNotInQuery('child');
        const started = startChildRun(exec, def, input, options);
        return started === undefined ? exec.blockedPromise : started.handle.result();
      } catch (error) {
        return refuse(error);
      }
    },

    startChild<I, O>(
      def: WorkflowDefinition<I, O>,
      input: I,
      options?: ChildOptions,
    ): Promise<ChildHandle<O>> {
      try {
        exec.assertNotInQuery('startChild');
        const started = startChildRun(exec, def, input, options);
        return started === undefined ? exec.blockedPromise : Promise.resolve(started.handle);
      } catch (error) {
        return refuse(error);
      }
    },

    signalWorkflow(workflowId: string, name: string, payload?: unknown): Promise<void> {
      return sendSignal(exec, workflowId, name, payload);
    },

    continueAsNew(input: unknown, options?: { readonly workflowType?: string }): never {
      exec.assertNotInQuery('continueAsNew');
      assertOptions(options, 'ctx.continueAsNew');
      if (options?.workflowType !== undefined) {
        assertValidId(options.workflowType, 'continue-as-new workflowType');
      }
      exec.checkPayload(input, 'continue-as-new input');
      throw new ContinueAsNewCommand(input, options?.workflowType);
    },

    withTimeout<T>(promise: Promise<T>, duration: Duration): Promise<T> {
      return withDurableTimeout(exec, promise, duration);
    },

    now: () => exec.now,
    random: () => exec.random.next(),
    uuid: () => exec.random.uuid(),

    get cancellation(): CancellationState {
      const reason = exec.cancelReason;
      return {
        requested: reason !== undefined,
        ...(reason === undefined ? {} : { reason }),
        signal: exec.cancelSignal,
      };
    },
  };
  return ctx;
}
