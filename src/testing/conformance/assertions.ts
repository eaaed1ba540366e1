import { expect } from 'vitest';
import { AionError } from '../../core/index.js';

/** Awaits `promise`, expects it to reject with an {@link AionError} of `code`, and returns that error. */
export async function expectRejection(promise: Promise<unknown>, code: string): Promise<AionError> {
  const outcome = await promise.then(
    (value: unknown) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a rejection with ${code}, got a result`);
  expect(outcome.error).toBeInstanceOf(AionError);
  expect((outcome.error as AionError).code).toBe(code);
  return outcome.error as AionError;
}
