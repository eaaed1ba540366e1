import type { HistoryEvent, NondeterminismError, WorkflowDefinition } from '../index.js';

/** Where the CLI writes: `process.stdout`/`stderr`, or buffers in tests. */
export interface CliOutput {
  write(text: string): unknown;
  /** A terminal gets a live progress line; anything else gets one line per event. */
  readonly isTTY?: boolean;
}

/** What `replayHistory` reports (see `aion-ts/testing`). */
export type ReplayReport =
  | { readonly ok: true; readonly outcome: { readonly type: string } }
  | { readonly ok: false; readonly error: NondeterminismError };

/** `replayHistory` of `aion-ts/testing`. */
export type ReplayFunction = (
  definition: WorkflowDefinition,
  history: readonly HistoryEvent[],
) => Promise<ReplayReport>;

/**
 * The world a CLI invocation runs in. `main.ts` passes the process's;
 * tests pass buffers, a temporary directory and an abort signal.
 */
export interface CliIo {
  readonly stdout: CliOutput;
  readonly stderr: CliOutput;
  /** Relative paths (`--store`, FILE) resolve against it. */
  readonly cwd: string;
  /** Ends the long-running commands (`worker`, `dashboard`, `run`); `main.ts` aborts it on SIGINT and SIGTERM. */
  readonly signal?: AbortSignal;
  /**
   * Loads a module of workflow and activity definitions.
   * @default TypeScript through tsx, JavaScript through `import()`
   */
  readonly importModule?: (path: string) => Promise<Record<string, unknown>>;
  /** Called once a long-running command serves (tests wait on it). */
  readonly onServing?: (info: { readonly url: string; readonly dashboardUrl: string }) => void;
  /**
   * The replay function of `aion replay`.
   * @default `replayHistory`, once the public API exports it
   */
  readonly replayHistory?: ReplayFunction;
}
