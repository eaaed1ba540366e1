import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Runs an example's `main` when its file is the process's entry point
 * (`node --import tsx docs/examples/workflows/sleep.ts`), and does nothing
 * when a test imports the file to call `main` itself. Exits 1 when `main`
 * fails.
 */
export function runAsScript(moduleUrl: string, main: () => Promise<unknown>): void {
  const entry = process.argv[1];
  if (entry === undefined || pathToFileURL(resolve(entry)).href !== moduleUrl) return;
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
