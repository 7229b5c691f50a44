import { CommanderError } from '@commander-js/extra-typings';
import { ExitCode } from './exit-codes.js';
import type { CliIO } from './io.js';
import { buildProgram } from './program.js';
import { reportError } from './report-error.js';

/**
 * Runs one `strata` command line in-process and returns its exit code; never calls process.exit.
 * `argv` is the arguments after the program name. Unset parts of `io` default to the process's.
 */
export async function runCli(argv: readonly string[], io: Partial<CliIO> = {}): Promise<number> {
  const full: CliIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    stdin: io.stdin ?? process.stdin,
    env: io.env ?? process.env,
    ...(io.signal ? { signal: io.signal } : {}),
    ...(io.now ? { now: io.now } : {}),
  };
  const { program, context } = buildProgram(full);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return context.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return commanderExitCode(err);
    return reportError(err, full.stderr, { authHint: context.authHint });
  }
}

/** Help and version exit 0; everything commander rejects (unknown command/flag, missing argument) is usage. */
function commanderExitCode(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Ok;
  if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  return ExitCode.Usage;
}
