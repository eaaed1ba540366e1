import type { AionError } from '../core/index.js';
import type { RunExecution } from '../run/index.js';
import type { EngineCore } from './engine-core.js';
import type { PhaseReport, RunHost } from './run-host.js';

/** What an incarnation replaced after a store fault waits for: nothing, ever. */
export const superseded = (): Promise<void> => new Promise<void>(() => undefined);

/** What a run's fault handling needs from its run host. */
export interface RunFaultsPort {
  readonly core: EngineCore;
  readonly host: RunHost;
  /** True once nothing may rebuild the run: it ended, or was detached for suspension. */
  gone(): boolean;
  /** The execution of the current incarnation, once loaded. */
  execution(): RunExecution | undefined;
  /** Puts the run back to loading, without waking those who wait for it. */
  reload(): void;
  /** Blocks the run with `error` and reports it blocked to its actor. */
  block(error: AionError, report: PhaseReport): void;
}

/**
 * What the store can do wrong to a resident run, and what the run does
 * about it: a write that fails with a store fault rebuilds the run from
 * its history under a new incarnation of its actor; a damaged record in
 * its history blocks it.
 */
export class RunFaults {
  readonly #port: RunFaultsPort;
  /** Counts the actor incarnations replaced after a store fault. */
  #incarnation = 0;

  constructor(port: RunFaultsPort) {
    this.#port = port;
  }

  /** The current incarnation: an `execute` notes it and checks it after each await. */
  get incarnation(): number {
    return this.#incarnation;
  }

  /** True once `incarnation` was replaced after a store fault: it must end quietly. */
  replaced(incarnation: number): boolean {
    return incarnation !== this.#incarnation;
  }

  /**
   * A commit of this run failed: its events, and those recorded behind
   * them, are not stored, and memory is ahead of the store. A store fault
   * (disk full, I/O error) is not the run's fault: the run is rebuilt from
   * its history by a new actor at once, not restarted as a crash, so it
   * never burns its restart intensity; its writes then wait for the store
   * (see store-health.ts). Any other failure crashes the run, which its
   * supervisor restarts.
   */
  writeFailed(error: unknown, storeFault: boolean): void {
    const { core } = this.#port;
    if (storeFault && !this.#port.gone() && !core.isClosing()) {
      this.#incarnation++;
      // Queries, timers and child outcomes wait for the rebuilt run.
      this.#port.reload();
      this.#port.execution()?.crash(error);
      core.rehost(this.#port.host);
      return;
    }
    this.#port.execution()?.crash(error);
  }

  /**
   * A damaged record in the run's history (`STORE_CORRUPT`): the run is
   * blocked and leaves memory, and it is never failed or restarted, since
   * replaying a history that cannot be read whole would redo, differently,
   * what was already recorded. Restoring the store resumes it.
   *
   * @returns what the incarnation then waits for: nothing, ever.
   */
  corrupt(error: AionError, report: PhaseReport): Promise<void> {
    this.#port.block(error, report);
    this.#port.core.runCorrupt(this.#port.host, error);
    return new Promise<void>(() => undefined);
  }
}
