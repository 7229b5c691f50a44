import { isStrataError, type Issue } from '@strata/api';
import { isUnreachable } from '@strata/client';
import { ExitCode, InputError, UsageError, WaitTimeoutError } from './exit-codes.js';
import type { OutputStream } from './io.js';

/**
 * Prints an error the way every command does and returns the exit code:
 * `error: <detail>`, then each issue as `  <path>: <message>`, then `code: <CODE>` for server errors.
 */
export function reportError(
  err: unknown,
  stderr: OutputStream,
  options: { authHint?: boolean } = {},
): ExitCode {
  if (err instanceof UsageError) {
    stderr.write(`error: ${err.message}\n(run "strata --help" for usage)\n`);
    return ExitCode.Usage;
  }
  if (err instanceof WaitTimeoutError) {
    stderr.write(`error: ${err.message}\n`);
    return ExitCode.Timeout;
  }
  if (err instanceof InputError) {
    stderr.write(`error: ${err.message}\n${formatIssues(err.issues)}`);
    return ExitCode.Error;
  }
  if (isStrataError(err)) {
    stderr.write(`error: ${err.message}\n${formatIssues(err.issues)}code: ${err.code}\n`);
    if (err.code === 'STRATA_UNAUTHENTICATED' && (options.authHint ?? true)) {
      stderr.write('hint: sign in with "strata login", or pass an API key with --api-key / STRATA_API_KEY\n');
    }
    return isUnreachable(err) ? ExitCode.Unreachable : ExitCode.Error;
  }
  stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
  return ExitCode.Error;
}

export function formatIssues(issues: readonly Issue[]): string {
  return issues.map((i) => `  ${i.path || '/'}: ${i.message}\n`).join('');
}
