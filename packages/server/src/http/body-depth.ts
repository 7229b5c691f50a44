import { jsonBoundsProblem, MAX_JSON_DEPTH, StrataError } from '@strata/api';

/**
 * Refuses a parsed request body (JSON or YAML) nested deeper than MAX_JSON_DEPTH, before any route code walks it
 * recursively: a body thousands of levels deep would exhaust the stack there (a 500) or be stored and crash the
 * controllers later. The check itself is iterative.
 */
export function refuseDeepBody(body: unknown): void {
  if (body === null || typeof body !== 'object') return;
  const deep = jsonBoundsProblem(body, { maxDepth: MAX_JSON_DEPTH });
  if (!deep) return;
  const where = deep.path.split('/').slice(0, 3).join('/');
  throw new StrataError('STRATA_MALFORMED_BODY', `the body is ${deep.message}${where ? ` at ${where}` : ''}`);
}
