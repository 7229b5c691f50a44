import type { Issue } from '@strata/api';

/** Exit codes scripts can rely on (docs/reference/cli.md). */
export const ExitCode = {
  Ok: 0,
  /** The server refused the request, or the input is invalid. */
  Error: 1,
  /** Wrong command line: unknown command or flag, missing argument, unknown kind, no server configured. */
  Usage: 2,
  /** The server could not be reached. */
  Unreachable: 3,
  /** `wait` (or `delete --wait`) timed out. */
  Timeout: 4,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A mistake on the command line; exits 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A wait that did not finish in time; exits 4. */
export class WaitTimeoutError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WaitTimeoutError';
  }
}

/** A local failure with details (e.g. invalid manifests); exits 1 and prints every issue. */
export class InputError extends Error {
  readonly issues: Issue[];
  constructor(message: string, issues: Issue[] = []) {
    super(message);
    this.name = 'InputError';
    this.issues = issues;
  }
}
