import { InvalidArgumentError, parseDuration } from 'aion-ts';
import type { SagaSettings } from '../order-saga.js';

/** What the main job reads from the environment; every knob has a default. */
export interface MainJobConfig {
  /** `AION_STORE`: the store directory. @default './.aion' */
  readonly store: string;
  /** `AION_ORDERS`: orders in a new batch (a resumed batch keeps its own). @default 200 */
  readonly orders: number;
  /** `AION_SLEEP` (packing), `AION_APPROVAL_TIMEOUT`, `AION_RESERVATION_DEADLINE`. */
  readonly settings: SagaSettings;
}

function duration(env: NodeJS.ProcessEnv, name: string, fallback: string): string {
  const value = env[name] ?? fallback;
  parseDuration(value, name); // throws INVALID_ARGUMENT early, before anything is written
  return value;
}

/**
 * Reads the main job's configuration from environment variables.
 *
 * @throws InvalidArgumentError for a malformed number or duration.
 */
export function readConfig(env: NodeJS.ProcessEnv): MainJobConfig {
  const orders = Number(env['AION_ORDERS'] ?? '200');
  if (!Number.isInteger(orders) || orders < 1 || orders > 100_000) {
    throw new InvalidArgumentError(`AION_ORDERS must be an integer in 1..100000`, {
      details: { AION_ORDERS: env['AION_ORDERS'] },
    });
  }
  return {
    store: env['AION_STORE'] ?? './.aion',
    orders,
    settings: {
      packingTime: duration(env, 'AION_SLEEP', '2s'),
      approvalTimeout: duration(env, 'AION_APPROVAL_TIMEOUT', '3s'),
      reservationDeadline: duration(env, 'AION_RESERVATION_DEADLINE', '30s'),
    },
  };
}
