import { runCli } from './run-cli.js';

/** The `strata` entry point: Ctrl-C stops watches and waits cleanly; the exit code is set, not forced. */
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.exitCode = await runCli(process.argv.slice(2), { signal: controller.signal });
