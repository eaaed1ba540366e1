/** Options every workload receives. */
export interface BenchOptions {
  /** `BENCH_SMOKE=1`: a tiny, fast run that only proves the workload works. */
  readonly smoke: boolean;
  /** How long each timed case runs, in ms. */
  readonly durationMs: number;
  /** How many times each case runs; the best round is kept (the machine is shared). */
  readonly rounds: number;
  /** A directory for scratch data, removed after the run. */
  readonly scratch: string;
}

/** One measured figure. */
export interface BenchRow {
  readonly workload: string;
  readonly case: string;
  /** The figure, e.g. events per second. */
  readonly value: number;
  readonly unit: string;
  /** Free-form context: batch counts, ratios, targets. */
  readonly note?: string;
}

/** A benchmark workload: registered in bench/index.ts. */
export interface Workload {
  readonly name: string;
  readonly description: string;
  run(options: BenchOptions): Promise<BenchRow[]>;
}
