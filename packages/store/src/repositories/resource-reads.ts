import { API_VERSION, StrataError, type ListResult, type Resource, type WatchEvent } from '@strata/api';
import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';
import type { AccessScope, ChangesQuery, ListQuery, ObjectKey } from '../types.js';
import { decodeContinue, encodeContinue } from './continue-token.js';
import { labelFilter } from './label-filter.js';
import {
  keyFilter,
  keyVisible,
  normalizeKey,
  projectVisible,
  rowToResource,
  scopeFilter,
} from './object-rows.js';
import { readCounter } from './write-log.js';

export const DEFAULT_LIST_LIMIT = 500;
export const MAX_LIST_LIMIT = 1000;
export const MAX_CHANGES_LIMIT = 1000;

export async function getObject(
  db: Kysely<Database>,
  scope: AccessScope,
  key: ObjectKey,
): Promise<Resource | undefined> {
  if (!keyVisible(scope, key)) return undefined;
  const row = await db
    .selectFrom('objects')
    .selectAll()
    .where(scopeFilter(scope))
    .where(keyFilter(normalizeKey(key)))
    .executeTakeFirst();
  return row ? rowToResource(row) : undefined;
}

function listLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIST_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new StrataError('STRATA_BAD_REQUEST', `limit must be a positive integer, got ${limit}`, [
      { path: '/limit', message: 'must be a positive integer' },
    ]);
  }
  return Math.min(limit, MAX_LIST_LIMIT);
}

/** Lists in (name, version, project) order with an opaque continue token; every filter runs in SQL. */
export async function listObjects(
  db: Kysely<Database>,
  scope: AccessScope,
  query: ListQuery,
): Promise<ListResult<Resource>> {
  const limit = listLimit(query.limit);
  // Read the resourceVersion first: everything <= it is committed, so a watch resumed from it misses nothing.
  const resourceVersion = String(await readCounter(db, 'resource_version'));
  const empty: ListResult<Resource> = { apiVersion: API_VERSION, kind: 'List', items: [], resourceVersion };
  if (query.project !== undefined && !projectVisible(scope, query.project)) return empty;

  let q = db.selectFrom('objects').selectAll().where(scopeFilter(scope)).where('kind', '=', query.kind);
  if (query.project !== undefined) q = q.where('project', '=', query.project);
  if (query.name !== undefined) q = q.where('name', '=', query.name);
  if (!query.includeDeleted) q = q.where('deleted_at', 'is', null);
  if (query.labelSelector && query.labelSelector.length > 0) q = q.where(labelFilter(query.labelSelector));
  if (query.continue) {
    const after = decodeContinue(query.continue);
    q = q.where((eb) =>
      eb.or([
        eb('name', '>', after.name),
        eb.and([eb('name', '=', after.name), eb('version', '>', after.version)]),
        eb.and([
          eb('name', '=', after.name),
          eb('version', '=', after.version),
          eb('project', '>', after.project),
        ]),
      ]),
    );
  }
  const rows = await q
    .orderBy('name')
    .orderBy('version')
    .orderBy('project')
    .limit(limit + 1)
    .execute();
  const page = rows.slice(0, limit);
  const result: ListResult<Resource> = { ...empty, items: page.map(rowToResource) };
  const last = page[page.length - 1];
  if (rows.length > limit && last)
    result.continue = encodeContinue({ name: last.name, version: last.version, project: last.project });
  return result;
}

function parseResourceVersion(value: string): number {
  if (!/^[0-9]+$/.test(value)) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `resourceVersion must be a non-negative integer, got "${value}"`,
      [{ path: '/resourceVersion', message: 'must be a non-negative integer' }],
    );
  }
  return Number(value);
}

/**
 * Changes after a resourceVersion, in order. `scope` undefined = every tenant (controllers only).
 * Throws STRATA_GONE when the requested point has been pruned from the window.
 */
export async function readChanges(
  db: Kysely<Database>,
  scope: AccessScope | undefined,
  query: ChangesQuery,
): Promise<{ events: WatchEvent[]; resourceVersion: string }> {
  const since = parseResourceVersion(query.sinceResourceVersion);
  const limit = Math.min(Math.max(1, query.limit ?? MAX_CHANGES_LIMIT), MAX_CHANGES_LIMIT);
  const current = await readCounter(db, 'resource_version');
  const gone = async () => {
    const compacted = await readCounter(db, 'compacted_through');
    if (since < compacted) {
      throw new StrataError(
        'STRATA_GONE',
        `resourceVersion ${since} is older than the kept history (from ${compacted}); list again and watch from its resourceVersion`,
      );
    }
  };
  await gone();
  if (since > current) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `resourceVersion ${since} is in the future (current ${current})`,
      [{ path: '/resourceVersion', message: 'greater than the current resourceVersion' }],
    );
  }
  if (query.project !== undefined && scope && !projectVisible(scope, query.project)) {
    return { events: [], resourceVersion: String(current) };
  }
  let q = db.selectFrom('changes').selectAll().where('resource_version', '>', since);
  if (scope) {
    q = q.where('tenant', '=', scope.tenant);
    if (scope.projects !== '*') q = q.where('project', 'in', ['', ...scope.projects]);
  }
  if (query.kind !== undefined) q = q.where('kind', '=', query.kind);
  if (query.project !== undefined) q = q.where('project', '=', query.project);
  const rows = await q.orderBy('resource_version').limit(limit).execute();
  await gone();
  const events = rows.map((r) => ({ type: r.type, object: JSON.parse(r.object) as Resource }));
  const lastRow = rows[rows.length - 1];
  const last = lastRow ? toNumber(lastRow.resource_version) : since;
  const resourceVersion = rows.length === limit ? last : Math.max(last, current);
  return { events, resourceVersion: String(resourceVersion) };
}

/** Keys of every object of a kind in every tenant, in uid order (controllers' periodic resync). */
export async function scanKeys(
  db: Kysely<Database>,
  query: { kind: string; after?: string; limit?: number },
): Promise<{ keys: ObjectKey[]; next?: string }> {
  const limit = Math.min(Math.max(1, query.limit ?? MAX_LIST_LIMIT), MAX_LIST_LIMIT);
  let q = db
    .selectFrom('objects')
    .select(['uid', 'kind', 'tenant', 'project', 'name', 'version'])
    .where('kind', '=', query.kind);
  if (query.after !== undefined) q = q.where('uid', '>', query.after);
  const rows = await q.orderBy('uid').limit(limit).execute();
  const keys = rows.map(({ kind, tenant, project, name, version }) =>
    version ? { kind, tenant, project, name, version } : { kind, tenant, project, name },
  );
  const last = rows[rows.length - 1];
  return rows.length === limit && last ? { keys, next: last.uid } : { keys };
}
