import type { DurabilityModel } from '../sim/durable-store.js';
import { tick } from './wait-until.js';

/**
 * Lets `promise` settle on a store whose commits are acknowledged only when
 * told: turns the event loop and acknowledges what was written, round after
 * round, until it settles.
 *
 * @throws Error when it has not settled after `rounds` rounds.
 */
export async function ackUntilSettled<T>(
  model: DurabilityModel,
  promise: Promise<T>,
  rounds = 2_000,
): Promise<T> {
  let done = false;
  void promise.finally(() => (done = true)).catch(() => undefined);
  for (let i = 0; i < rounds && !done; i++) {
    await tick();
    model.ack();
  }
  if (!done) throw new Error('did not settle');
  return promise;
}
