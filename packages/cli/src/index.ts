export { runCli } from './run-cli.js';
export { ExitCode } from './exit-codes.js';
export type { CliIO, OutputStream } from './io.js';
export type { CliConfig } from './config.js';
