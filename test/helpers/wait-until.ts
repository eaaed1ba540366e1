/** Resolves after pending I/O callbacks and microtasks have had a turn. */
export function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Options of {@link waitUntil}. */
export interface WaitOptions {
  /** Real milliseconds before giving up. @default 5000 */
  readonly timeoutMs?: number;
  /** Names the condition in the timeout error. */
  readonly what?: string;
}

/**
 * Polls `predicate` once per event-loop turn (`setImmediate`) until it holds.
 * Never sleeps for real: it only yields, so tests on virtual time stay fast.
 *
 * @throws Error when `timeoutMs` of real time pass first.
 */
export async function waitUntil(
  predicate: () => boolean | Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 5_000);
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${options.what ?? 'a condition'}`);
    }
    await tick();
  }
}
