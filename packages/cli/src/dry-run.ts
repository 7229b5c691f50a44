import { UsageError } from './exit-codes.js';

export const DRY_RUN_HELP =
  'server: the server checks everything and answers, but stores nothing (kubectl style)';

/** `--dry-run`, `--dry-run=server` (the same) or `--dry-run=none`; there is no client-side dry run. */
export function parseDryRun(value: string | boolean | undefined): boolean {
  if (value === undefined || value === false || value === 'none') return false;
  if (value === true || value === 'server') return true;
  throw new UsageError(`--dry-run must be server or none, got "${value}"`);
}

/** What follows an object's line in the output of a dry run. */
export function dryRunSuffix(dryRun: boolean): string {
  return dryRun ? ' (server dry run)' : '';
}
