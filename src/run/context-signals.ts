import { assertValidId, parseDuration } from '../core/index.js';
import { TimeoutError } from '../workflow/index.js';
import type { SignalWaitOptions } from '../workflow/index.js';
import { assertOptions, refuse } from './command-refusal.js';
import { cancelTimer, startTimer } from './context-timers.js';
import type { StartedTimer } from './context-timers.js';
import type { RunExecution } from './run-execution.js';

/**
 * `ctx.signal`: a buffered signal at once, else the next one to arrive,
 * or `TimeoutError` once a durable timer of `options.timeout` fires first.
 */
export function receiveSignal<T>(
  exec: RunExecution,
  name: string,
  options: SignalWaitOptions | undefined,
): Promise<T> {
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
    timer = startTimer(exec, options.timeout, 'signal-timeout');
  } catch (error) {
    return refuse(error);
  }
  if (timer === undefined) return exec.blockedPromise;
  const { timerId, fired } = timer;
  return new Promise<T>((resolve, reject) => {
    const withdraw = exec.signals.wait(name, {
      resolve(payload) {
        cancelTimer(exec, timerId);
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
}

/** `ctx.signalWorkflow`: records the send, and sends it when live. */
export function sendSignal(
  exec: RunExecution,
  workflowId: string,
  name: string,
  payload: unknown,
): Promise<void> {
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
}
