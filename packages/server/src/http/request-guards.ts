import { API_PREFIX, StrataError, jsonWalkPointer, type Issue, type JsonWalkFrame } from '@strata/api';
import type { FastifyRequest, RouteOptions } from 'fastify';

/** Requests with more headers than this are refused with 431 (browsers send about 20). */
export const MAX_REQUEST_HEADERS = 100;

// Control characters (C0 and DEL): never part of a name, selector or token; NUL cannot even be stored by PostgreSQL.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

declare module 'fastify' {
  interface FastifyContextConfig {
    /** The query parameters the route declares (set for every API route when it is registered). */
    queryParameters?: readonly string[];
  }
}

/**
 * Registered as an onRoute hook: records the query parameters each API route declares in its querystring schema,
 * so that `refuseBadQuery` can refuse every other one (a misspelt `dryRun` must not be ignored and the write done).
 */
export function declareQueryParameters(route: RouteOptions): void {
  if (!route.url.startsWith(`${API_PREFIX}/`)) return;
  // A route that takes what another system sends (an identity provider's redirect) reads only what it knows.
  if (route.config?.anyQuery) return;
  const schema = route.schema?.querystring as { properties?: Record<string, unknown> } | undefined;
  route.config = { ...route.config, queryParameters: Object.keys(schema?.properties ?? {}) };
}

/** 431 when the request has more headers than MAX_REQUEST_HEADERS (Node keeps at most one more: see app.ts). */
export function refuseManyHeaders(req: FastifyRequest): void {
  const count = req.raw.rawHeaders.length / 2;
  if (count > MAX_REQUEST_HEADERS) {
    throw new StrataError(
      'STRATA_HEADERS_TOO_LARGE',
      `a request may have at most ${MAX_REQUEST_HEADERS} headers`,
    );
  }
}

/** 400 for a control character (NUL included) in a path parameter or a query value: no route accepts one. */
export function refuseControlCharacters(req: FastifyRequest): void {
  const issues: Issue[] = [];
  const check = (where: string, name: string, value: unknown) => {
    for (const v of [value].flat()) {
      if (typeof v === 'string' && CONTROL_CHARACTERS.test(v))
        issues.push({ path: `/${where}/${name}`, message: 'must not contain control characters' });
    }
  };
  for (const [name, value] of Object.entries((req.params ?? {}) as Record<string, unknown>))
    check('params', name, value);
  for (const [name, value] of Object.entries((req.query ?? {}) as Record<string, unknown>)) {
    check('querystring', name, name);
    check('querystring', name, value);
  }
  if (issues.length > 0) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `the URL contains control characters (${issues.map((i) => i.path).join(', ')})`,
      issues,
    );
  }
}

/** 400 naming every query parameter the route does not declare. */
export function refuseUnknownQuery(req: FastifyRequest): void {
  const declared = req.routeOptions.config.queryParameters;
  if (!declared) return;
  const unknown = Object.keys((req.query ?? {}) as Record<string, unknown>).filter(
    (n) => !declared.includes(n),
  );
  if (unknown.length === 0) return;
  const known = declared.length > 0 ? `; it takes ${declared.join(', ')}` : '; it takes none';
  throw new StrataError(
    'STRATA_BAD_REQUEST',
    `unknown query parameter${unknown.length === 1 ? '' : 's'} ${unknown.map((n) => `"${n}"`).join(', ')}${known}`,
    unknown.map((n) => ({ path: `/querystring/${n}`, message: 'unknown query parameter' })),
  );
}

/**
 * 422 for a NUL character anywhere in a parsed body (string values and keys): PostgreSQL cannot store it, and no
 * field means it. Walks without recursion, so a deeply nested body cannot overflow the stack here.
 */
export function refuseNulInBody(body: unknown): void {
  const issues: Issue[] = [];
  const stack: JsonWalkFrame[] = [{ value: body, depth: 0, parent: undefined, key: '' }];
  const path = (frame: JsonWalkFrame) => jsonWalkPointer(frame, pointerEscape) || '/';
  while (stack.length > 0 && issues.length < 20) {
    const frame = stack.pop()!;
    const { value } = frame;
    if (typeof value === 'string') {
      if (value.includes('\u0000'))
        issues.push({ path: path(frame), message: 'must not contain NUL (\\u0000)' });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++)
        stack.push({ value: value[i], depth: 0, parent: frame, key: String(i) });
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        const child: JsonWalkFrame = {
          value: (value as Record<string, unknown>)[key],
          depth: 0,
          parent: frame,
          key,
        };
        if (key.includes('\u0000'))
          issues.push({ path: path(child), message: 'a key must not contain NUL (\\u0000)' });
        stack.push(child);
      }
    }
  }
  if (issues.length > 0) {
    throw new StrataError(
      'STRATA_VALIDATION_FAILED',
      'the body contains NUL characters (listed in issues)',
      issues,
    );
  }
}

function pointerEscape(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1').replaceAll('\u0000', '\\u0000');
}
