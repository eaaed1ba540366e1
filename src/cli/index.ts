// The `aion` command
export { createProgram, runCli } from './program.js';
export { ExitCode } from './exit-codes.js';
export type { CliIo, CliOutput, ReplayFunction, ReplayReport } from './cli-io.js';

// Reading definition modules
export { collectDefinitions, loadDefinitions } from './module-loader.js';
export type { Definitions } from './module-loader.js';
