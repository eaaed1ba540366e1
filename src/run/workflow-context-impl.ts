import {
  AionError,
  ErrorCode,
  InvalidArgumentError,
  assertValidId,
  parseDuration,
} from '../core/index.js';
import type { Duration, TimerKind } from '../core/index.js';
import { CancelledError, TimeoutError } from '../workflow/index.js';
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
import { ContinueAsNewCommand } from './continue-as-new.js';
import type { RunExecution } from './run-execution.js';
import { timerIds } from './timer-ids.js';

/**
 * A promise rejected with `error`. A command refused inside a query handler
 * fails the query anyway (see `RunExecution.assertNotInQuery`), so its
 * promise is marked handled: a handler that discards it must not raise an
 * unhandled rejection in the process.
 */
function refuse<T>(error: unknown): Promise<T> {
  const rejected: Promise<T> = Promise.reject(error);
  if (error instanceof AionError && error.code === ErrorCode.QUERY_FAILED) {
    rejected.catch(() => undefined);
  }
  return rejected;
}

/** Options are an object or absent: `null` or a number is a mistake, not "no options". */
function assertOptions(options: unknown, what: string): void {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new InvalidArgumentError(`the options of ${what} must be an object`);
  }
}

interface StartedTimer {
  readonly timerId: string;
  readonly fired: Promise<void>;
}

/**
 * Builds the `ctx` handed to workflow code. Every method funnels through the
 * execution: allocate an ordinal synchronously, match it against history or
 * hand it to the host live, then wait for the recorded completion.
 */
export function createWorkflowContext(exec: RunExecution): WorkflowContext {
  const { started } = exec;

  const startTimer = (duration: Duration, kind: TimerKind): StartedTimer | undefined => {
    const durationMs = parseDuration(duration);
    const ordinal = exec.nextOrdinal('timer');
    const timerId = timerIds.workflow(ordinal);
    const live = exec.matchCommand({ kind: 'timer', ordinal, name: `${durationMs}ms` });
    if (live === 'blocked') return undefined;
    const fired = exec.waitFor<void>(timerId);
    if (live) exec.host.startTimer({ timerId, durationMs, kind });
    return { timerId, fired };
  };

  const cancelTimer = (timerId: string): void => {
    exec.abandon(timerId, new CancelledError('timer cancelled'));
    if (!exec.replaying && !exec.timerCancelledInHistory(timerId)) exec.host.cancelTimer(timerId);
  };

  const startChildRun = <I, O>(
    def: WorkflowDefinition<I, O>,
    input: I,
    options: ChildOptions | undefined,
  ): { handle: ChildHandle<O> } | undefined => {
    if (def?.kind !== 'workflow')
      throw new InvalidArgumentError('ctx.child needs a workflow definition');
    assertOptions(options, 'ctx.child');
    exec.checkPayload(input, 'child workflow input');
    const policy = options?.parentClosePolicy ?? 'terminate';
    if (policy !== 'terminate' && policy !== 'cancel' && policy !== 'abandon') {
      throw new InvalidArgumentError(
        `parentClosePolicy must be 'terminate', 'cancel' or 'abandon'`,
      );
    }
    const timeout = options?.executionTimeout;
    const executionTimeoutMs =
      timeout === undefined ? undefined : parseDuration(timeout, 'executionTimeout');
    // A refused command allocates no ordinal: check a given id first.
    if (options?.workflowId !== undefined) assertValidId(options.workflowId, 'child workflowId');
    exec.host.checkChild?.(def);
    const childOrdinal = exec.nextOrdinal('child');
    const workflowId = options?.workflowId ?? `${started.workflowId}/${childOrdinal}`;
    assertValidId(workflowId, 'child workflowId');
    const live = exec.matchCommand({ kind: 'child', ordinal: childOrdinal, name: def.name });
    if (live === 'blocked') return undefined;
    const result = exec.waitFor<O>(`c${childOrdinal}`);
    result.catch(() => undefined);
    let runId = '';
    if (live) {
      runId = exec.host.startChild({
        childOrdinal,
        def: def,
        input,
        workflowId,
        parentClosePolicy: policy,
        executionTimeoutMs,
      });
    } else if (exec.lastMatched?.type === 'ChildWorkflowStarted') {
      runId = exec.lastMatched.childRunId;
    }
    return { handle: { workflowId, runId, result: () => result } };
  };

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
      try {
        exec.assertNotInQuery('sleep');
        return startTimer(duration, 'sleep')?.fired ?? exec.blockedPromise;
      } catch (error) {
        return refuse(error);
      }
    },

    timer(duration: Duration): DurableTimer {
      exec.assertNotInQuery('timer');
      const timer = startTimer(duration, 'timer');
      if (timer === undefined) return { fired: exec.blockedPromise, cancel: () => undefined };
      let done = false;
      const fired = timer.fired.finally(() => {
        done = true;
      });
      fired.catch(() => undefined);
      return {
        fired,
        cancel() {
          if (done) return;
          done = true;
          cancelTimer(timer.timerId);
        },
      };
    },

    signal<T>(name: string, options?: SignalWaitOptions): Promise<T> {
      try {
        exec.assertNotInQuery('signal');
        assertValidId(name, 'signal name');
        assertOptions(options, 'ctx.signal');
        // Checked before a buffered signal is taken: a refused receive consumes nothing.
        if (options?.timeout !== undefined) parseDuration(options.timeout, 'signal timeout');
      } catch (error) {
        return refuse(error);
      }
      const buffered = exec.signals.take(name);
      if (buffered !== undefined) return Promise.resolve(buffered.payload as T);
      if (options?.timeout === undefined) {
        return new Promise<T>((resolve, reject) => {
          exec.signals.wait(name, { resolve: resolve, reject });
        });
      }
      let timer: StartedTimer | undefined;
      try {
        timer = startTimer(options.timeout, 'signal-timeout');
      } catch (error) {
        return refuse(error);
      }
      if (timer === undefined) return exec.blockedPromise;
      const { timerId, fired } = timer;
      return new Promise<T>((resolve, reject) => {
        const withdraw = exec.signals.wait(name, {
          resolve(payload) {
            cancelTimer(timerId);
            resolve(payload as T);
          },
          reject,
        });
        fired.then(
          () => {
            if (withdraw())
              reject(new TimeoutError(`no '${name}' signal within ${String(options.timeout)}`));
          },
          () => undefined,
        );
      });
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
        const started = startChildRun(def, input, options);
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
        const started = startChildRun(def, input, options);
        return started === undefined ? exec.blockedPromise : Promise.resolve(started.handle);
      } catch (error) {
        return refuse(error);
      }
    },

    signalWorkflow(workflowId: string, name: string, payload?: unknown): Promise<void> {
      try {
        exec.assertNotInQuery('signalWorkflow');
        assertValidId(workflowId, 'workflowId');
        assertValidId(name, 'signal name');
        exec.checkPayload(payload, 'signal payload');
      } catch (error) {
        return refuse(error);
      }
      const live = exec.matchCommand({
        kind: 'signal-send',
        ordinal: 0,
        name: `${workflowId}:${name}`,
      });
      if (live === 'blocked') return exec.blockedPromise;
      if (live) exec.host.sendSignal(workflowId, name, payload);
      return Promise.resolve();
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
      let timer: StartedTimer | undefined;
      try {
        exec.assertNotInQuery('withTimeout');
        // Checked before the timer is recorded: a refused call records nothing.
        if (typeof (promise as { then?: unknown } | null)?.then !== 'function') {
          throw new InvalidArgumentError('ctx.withTimeout needs a promise');
        }
        timer = startTimer(duration, 'timeout');
      } catch (error) {
        return refuse(error);
      }
      if (timer === undefined) return exec.blockedPromise;
      const { timerId, fired } = timer;
      return new Promise<T>((resolve, reject) => {
        let done = false;
        promise.then(
          (value) => {
            if (done) return;
            done = true;
            cancelTimer(timerId);
            resolve(value);
          },
          (error: unknown) => {
            if (done) return;
            done = true;
            cancelTimer(timerId);
            reject(error);
          },
        );
        fired.then(
          () => {
            if (done) return;
            done = true;
            reject(new TimeoutError(`operation did not finish within ${String(duration)}`));
          },
          () => undefined,
        );
      });
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
