import type { BaseStatus, ListResult, Resource, WatchEvent } from '@strata/api';

/**
 * The contract between the server and the store. Implemented once with Kysely for SQLite and PostgreSQL.
 *
 * Isolation: every call takes an AccessScope. The store adds `tenant = ? AND project IN (...)` to every
 * query itself, so a route that forgets a check still cannot read or write another project's objects.
 */
export interface AccessScope {
  tenant: string;
  /**
   * Projects the caller may see. '*' = every project of the tenant (tenant admins, controllers).
   * Tenant-scoped objects (project '') are always visible inside the tenant; writes to them are authorized by the server.
   */
  projects: readonly string[] | '*';
}

/** Identity of one object. `project` is '' for tenant-scoped objects; `version` is '' unless the kind is versioned. */
export interface ObjectKey {
  kind: string;
  tenant: string;
  project: string;
  name: string;
  version?: string;
}

/** Who is changing something; the store writes one AuditEntry per mutation in the same transaction. */
export interface Actor {
  name: string;
  requestId?: string;
}

export interface CreateInput {
  key: ObjectKey;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  spec: Record<string, unknown>;
  status?: BaseStatus;
  /** Check and compute everything, answer with the result, store nothing (the transaction is rolled back). */
  dryRun?: boolean;
}

export interface UpdateInput {
  key: ObjectKey;
  /** When set, the write fails with STRATA_CONFLICT unless it matches the stored resourceVersion. */
  expectedResourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  finalizers?: string[];
  /** Replaces spec; generation increases only when the stored spec actually changes. */
  spec?: Record<string, unknown>;
  /** Check and compute everything, answer with the result, store nothing (the transaction is rolled back). */
  dryRun?: boolean;
  /**
   * Writes to dependents in the same transaction (e.g. disabling a user removes its keys and binding entries);
   * `updates` and `deletes` only, applied like a delete's cascade.
   */
  cascade?: Pick<DeleteCascade, 'updates' | 'deletes'>;
}

export interface StatusInput {
  key: ObjectKey;
  expectedResourceVersion?: string;
  /** Replaces status; observedGeneration is whatever the controller sets. */
  status: BaseStatus;
}

/** kubectl-style label selector, already parsed: `env=prod,tier!=web,region in (a,b),!legacy,team`. */
export type LabelRequirement =
  | { key: string; op: '=' | '!='; value: string }
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | '!exists' };

export interface ListQuery {
  kind: string;
  /** A project, '' for tenant scope only, or undefined for every visible scope. */
  project?: string;
  labelSelector?: LabelRequirement[];
  /** Exact-match filter on a name (used to list versions of a versioned kind). */
  name?: string;
  limit?: number;
  continue?: string;
  includeDeleted?: boolean;
}

export interface ChangesQuery {
  kind?: string;
  project?: string;
  /** Return changes with resourceVersion strictly greater than this. */
  sinceResourceVersion: string;
  limit?: number;
}

/**
 * Writes made in the same transaction as a delete, so nothing that depends on the deleted object outlives it (a
 * user's API keys and role-binding entries, a tenant's objects). Each dependent must still be at the
 * resourceVersion it was read at; otherwise the whole delete fails with STRATA_CONFLICT and changes nothing.
 */
export interface DeleteCascade {
  /** Dependents whose spec changes (e.g. a binding that loses a subject). */
  updates?: { key: ObjectKey; resourceVersion: string; spec: Record<string, unknown> }[];
  /** Dependents deleted too (at once: their finalizers are not waited for). */
  deletes?: { key: ObjectKey; resourceVersion: string }[];
  /**
   * Every object, change record and agent record of this tenant is removed as well. `refuse` sees each object
   * first (under the write lock, so nothing can be added meanwhile): a message refuses the whole delete with
   * STRATA_IN_USE.
   */
  purgeTenant?: {
    tenant: string;
    refuse?: (o: {
      kind: string;
      project: string;
      name: string;
      labels: Record<string, string>;
    }) => string | undefined;
  };
}

export interface ResourceRepository {
  create(scope: AccessScope, input: CreateInput, actor: Actor): Promise<Resource>;
  get(scope: AccessScope, key: ObjectKey): Promise<Resource | undefined>;
  list(scope: AccessScope, query: ListQuery): Promise<ListResult<Resource>>;
  update(scope: AccessScope, input: UpdateInput, actor: Actor): Promise<Resource>;
  updateStatus(scope: AccessScope, input: StatusInput, actor?: Actor): Promise<Resource>;
  /** Audits a read that hands out a credential (verb `access`, with `detail`); the object does not change. */
  recordAccess(scope: AccessScope, key: ObjectKey, actor: Actor, detail: string): Promise<void>;
  /**
   * Deletes the object, or, when it has finalizers, marks it deleted (deletedAt) and returns it; it then
   * disappears when the last finalizer is removed through update().
   */
  delete(
    scope: AccessScope,
    key: ObjectKey,
    options: { expectedResourceVersion?: string; dryRun?: boolean; cascade?: DeleteCascade },
    actor: Actor,
  ): Promise<{ deleted: boolean; object: Resource }>;
  /** Ordered changes after a resourceVersion; throws STRATA_GONE when that point is no longer kept. */
  changes(
    scope: AccessScope,
    query: ChangesQuery,
  ): Promise<{ events: WatchEvent[]; resourceVersion: string }>;
  currentResourceVersion(): Promise<string>;
}

/**
 * Cross-tenant reads for the platform's own controllers (change feed and periodic resync).
 * Never hand this to request handlers: it has no AccessScope.
 */
export interface SystemResourceReader {
  /** Like ResourceRepository.changes, across every tenant. */
  allChanges(query: ChangesQuery): Promise<{ events: WatchEvent[]; resourceVersion: string }>;
  currentResourceVersion(): Promise<string>;
  /** Keys of every object of a kind (including ones being deleted), paged by an opaque `next` cursor. */
  allKeys(query: {
    kind: string;
    after?: string;
    limit?: number;
  }): Promise<{ keys: ObjectKey[]; next?: string }>;
}
