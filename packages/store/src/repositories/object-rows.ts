import { API_VERSION, StrataError, type BaseStatus, type Resource } from '@strata/api';
import type { ExpressionBuilder, Expression, SqlBool, Selectable } from 'kysely';
import type { Database, ObjectsTable } from '../schema.js';
import { toNumber } from '../schema.js';
import type { AccessScope, ObjectKey } from '../types.js';

export type ObjectRow = Selectable<ObjectsTable>;

/** A key with version defaulted: the exact identity columns of a row. */
export interface NormalizedKey {
  kind: string;
  tenant: string;
  project: string;
  name: string;
  version: string;
}

export function normalizeKey(key: ObjectKey): NormalizedKey {
  return {
    kind: key.kind,
    tenant: key.tenant,
    project: key.project,
    name: key.name,
    version: key.version ?? '',
  };
}

export function describeKey(key: ObjectKey): string {
  const where = key.project ? `project "${key.project}"` : 'tenant scope';
  const version = key.version ? ` version ${key.version}` : '';
  return `${key.kind} "${key.name}"${version} in ${where}`;
}

/** Whether the scope may see objects of this project ('' = tenant-scoped, always visible in the tenant). */
export function projectVisible(scope: AccessScope, project: string): boolean {
  return project === '' || scope.projects === '*' || scope.projects.includes(project);
}

export function keyVisible(scope: AccessScope, key: ObjectKey): boolean {
  return key.tenant === scope.tenant && projectVisible(scope, key.project);
}

/** `tenant = ? AND (project = '' OR project IN (...))` — added to every query. */
export function scopeFilter(scope: AccessScope) {
  return (eb: ExpressionBuilder<Database, 'objects'>): Expression<SqlBool> => {
    const tenant = eb('objects.tenant', '=', scope.tenant);
    if (scope.projects === '*') return tenant;
    const projects = ['', ...scope.projects];
    return eb.and([tenant, eb('objects.project', 'in', projects)]);
  };
}

/** `tenant/project/kind/name/version = ?` — the unique identity of one object. */
export function keyFilter(key: NormalizedKey) {
  return (eb: ExpressionBuilder<Database, 'objects'>): Expression<SqlBool> =>
    eb.and([
      eb('objects.tenant', '=', key.tenant),
      eb('objects.project', '=', key.project),
      eb('objects.kind', '=', key.kind),
      eb('objects.name', '=', key.name),
      eb('objects.version', '=', key.version),
    ]);
}

export function parseJson<T>(text: string, fallback: T): T {
  if (text === '') return fallback;
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new StrataError('STRATA_INTERNAL', 'stored object is not valid JSON', [], { cause: err });
  }
}

export function rowToResource(row: ObjectRow): Resource {
  const resource: Resource = {
    apiVersion: API_VERSION,
    kind: row.kind,
    metadata: {
      name: row.name,
      tenant: row.tenant,
      labels: parseJson<Record<string, string>>(row.labels, {}),
      annotations: parseJson<Record<string, string>>(row.annotations, {}),
      uid: row.uid,
      resourceVersion: String(toNumber(row.resource_version)),
      generation: row.generation,
      finalizers: parseJson<string[]>(row.finalizers, []),
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
    spec: parseJson<Record<string, unknown>>(row.spec, {}),
    status: parseJson<BaseStatus>(row.status, {}),
  };
  if (row.project !== '') resource.metadata.project = row.project;
  if (row.deleted_at) resource.metadata.deletedAt = row.deleted_at;
  return resource;
}

export function notFound(key: ObjectKey): StrataError {
  return new StrataError('STRATA_NOT_FOUND', `${describeKey(key)} not found`);
}

export function conflict(key: ObjectKey, expected: string, actual: string): StrataError {
  return new StrataError(
    'STRATA_CONFLICT',
    `${describeKey(key)} was changed: expected resourceVersion ${expected}, it is now ${actual}; get it again and retry`,
    [{ path: '/metadata/resourceVersion', message: `stale resourceVersion ${expected} (current ${actual})` }],
  );
}
