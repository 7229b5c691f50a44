import { isStrataError, type Issue } from '@strata/api';

/** An API failure as the console shows it: the server's message, its stable code and every issue with its path. */
export interface ShownError {
  code: string;
  message: string;
  issues: Issue[];
}

export function toShownError(err: unknown): ShownError {
  if (isStrataError(err)) return { code: err.code, message: err.message, issues: err.issues };
  if (err instanceof Error) return { code: 'ERROR', message: err.message, issues: [] };
  return { code: 'ERROR', message: String(err), issues: [] };
}

/** Issues whose path is `prefix` or below it (JSON pointers), e.g. every issue of `/spec/nodePools/1`. */
export function issuesUnder(err: unknown, prefix: string): Issue[] {
  if (!isStrataError(err)) return [];
  return err.issues.filter((i) => i.path === prefix || i.path.startsWith(`${prefix}/`));
}

/** The message of the first issue at exactly `path` (for a form field's error text). */
export function issueAt(err: unknown, path: string): string | undefined {
  if (!isStrataError(err)) return undefined;
  return err.issues.find((i) => i.path === path)?.message;
}

export function isUnauthenticated(err: unknown): boolean {
  return isStrataError(err) && err.code === 'STRATA_UNAUTHENTICATED';
}
