/**
 * How many runs each fuzz property makes: modest by default so the suite
 * stays fast; `FUZZ_RUNS=10000 npx vitest run test/reliability/fuzz` digs
 * deeper. A failure prints fast-check's seed and path: pass them back with
 * `FUZZ_SEED` and `FUZZ_PATH` to replay it.
 */
export function fuzzRuns(defaultRuns: number): {
  numRuns: number;
  seed?: number;
  path?: string;
} {
  const runs = Number(process.env.FUZZ_RUNS ?? defaultRuns);
  const seed = process.env.FUZZ_SEED;
  const path = process.env.FUZZ_PATH;
  return {
    numRuns: Number.isInteger(runs) && runs > 0 ? runs : defaultRuns,
    ...(seed === undefined ? {} : { seed: Number(seed) }),
    ...(path === undefined ? {} : { path }),
  };
}
