#!/usr/bin/env node
// The `aion` binary (package.json "bin"). Everything is in runCli; this
// file only binds it to the process: arguments, streams, Ctrl-C, exit code.
import { runCli } from './index.js';

const controller = new AbortController();
let interrupts = 0;
const interrupt = (): void => {
  interrupts += 1;
  // A second Ctrl-C does not wait for the clean close.
  if (interrupts > 1) process.exit(130);
  controller.abort();
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

runCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  cwd: process.cwd(),
  signal: controller.signal,
}).then(
  (code) => {
    process.exitCode = code;
    // Nothing may keep a finished command alive (a stray handle would).
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  },
  (error: unknown) => {
    process.stderr.write(`aion: ${String(error)}\n`);
    process.exitCode = 1;
  },
);
