import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import { StrataError, type ListResult, type Resource, type WatchEvent } from '@strata/api';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';
import type {
  AccessScope,
  Actor,
  ChangesQuery,
  CreateInput,
  DeleteCascade,
  ListQuery,
  ObjectKey,
  ResourceRepository,
  StatusInput,
  SystemResourceReader,
  UpdateInput,
} from '../types.js';
import { pruneAuditEntries, writeAuditEntry, type AuditVerb } from './audit.js';
import { applyCascade } from './cascade.js';
import {
  conditionalDelete,
  conditionalUpdate,
  inTransaction,
  isUniqueViolation,
  replaceLabels,
  WriteRaced,
} from './object-writes.js';
import {
  conflict,
  describeKey,
  keyFilter,
  keyVisible,
  normalizeKey,
  notFound,
  rowToResource,
  scopeFilter,
  type ObjectRow,
} from './object-rows.js';
import { getObject, listObjects, readChanges, scanKeys } from './resource-reads.js';
import {
  allocateResourceVersion,
  DEFAULT_RETENTION,
  readCounter,
  recordChange,
  type ChangeRetention,
} from './write-log.js';

export interface ResourceRepositoryOptions {
  db: Kysely<Database>;
  /** How much change history is kept for watch resume. */
  retention?: Partial<ChangeRetention>;
  /** Timestamp source (ISO strings are stored). */
  now?: () => Date;
  /** Attempts for a write without a precondition that keeps racing with other writers (default 20). */
  maxWriteAttempts?: number;
}

interface Mutation {
  after: ObjectRow;
  type: 'MODIFIED' | 'DELETED';
  verb: AuditVerb;
  generationBefore: number;
}

/** ResourceRepository over Kysely: the same code on SQLite and PostgreSQL. */
export class KyselyResourceRepository implements ResourceRepository, SystemResourceReader {
  readonly #db: Kysely<Database>;
  readonly #retention: ChangeRetention;
  readonly #now: () => Date;
  readonly #maxAttempts: number;

  constructor(options: ResourceRepositoryOptions) {
    this.#db = options.db;
    this.#retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.#now = options.now ?? (() => new Date());
    this.#maxAttempts = options.maxWriteAttempts ?? 20;
  }

  async create(scope: AccessScope, input: CreateInput, actor: Actor): Promise<Resource> {
    const key = normalizeKey(input.key);
    if (!keyVisible(scope, input.key)) {
      throw new StrataError(
        'STRATA_FORBIDDEN',
        `cannot create ${describeKey(input.key)}: outside your tenant or projects`,
      );
    }
    const at = this.#now().toISOString();
    try {
      return await inTransaction(this.#db, input.dryRun, async (trx) => {
        const rv = await allocateResourceVersion(trx);
        const existing = await trx
          .selectFrom('objects')
          .select('uid')
          .where(keyFilter(key))
          .executeTakeFirst();
        if (existing) throw alreadyExists(input.key);
        const labels = input.labels ?? {};
        const row: ObjectRow = {
          uid: randomUUID(),
          ...key,
          resource_version: rv,
          generation: 1,
          labels: JSON.stringify(labels),
          annotations: JSON.stringify(input.annotations ?? {}),
          finalizers: JSON.stringify(input.finalizers ?? []),
          spec: JSON.stringify(input.spec),
          status: JSON.stringify(input.status ?? {}),
          created_at: at,
          updated_at: at,
          deleted_at: null,
        };
        await trx.insertInto('objects').values(row).execute();
        await replaceLabels(trx, row.uid, labels);
        await recordChange(trx, 'ADDED', row, this.#retention);
        await writeAuditEntry(
          trx,
          { actor, verb: 'create', object: row, generationAfter: 1, at },
          this.#retention,
        );
        return rowToResource(row);
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw alreadyExists(input.key);
      throw err;
    }
  }

  get(scope: AccessScope, key: ObjectKey): Promise<Resource | undefined> {
    return getObject(this.#db, scope, key);
  }

  list(scope: AccessScope, query: ListQuery): Promise<ListResult<Resource>> {
    return listObjects(this.#db, scope, query);
  }

  update(scope: AccessScope, input: UpdateInput, actor: Actor): Promise<Resource> {
    const write = { expected: input.expectedResourceVersion, dryRun: input.dryRun };
    const { cascade } = input;
    const then = cascade
      ? (trx: Transaction<Database>, at: string) =>
          applyCascade({ trx, actor, at, retention: this.#retention }, cascade)
      : undefined;
    return this.#mutate(
      scope,
      input.key,
      write,
      actor,
      (before, at) => {
        const oldSpec = JSON.parse(before.spec) as unknown;
        const specChanged = input.spec !== undefined && !isDeepStrictEqual(oldSpec, input.spec);
        if (specChanged && before.deleted_at) {
          throw new StrataError(
            'STRATA_DELETING',
            `${describeKey(input.key)} is being deleted; its spec can no longer change`,
          );
        }
        const after: ObjectRow = {
          ...before,
          generation: specChanged ? before.generation + 1 : before.generation,
          spec: specChanged ? JSON.stringify(input.spec) : before.spec,
          labels: replaced(before.labels, input.labels),
          annotations: replaced(before.annotations, input.annotations),
          finalizers: replaced(before.finalizers, input.finalizers),
          updated_at: at,
        };
        if (sameContent(before, after)) return undefined;
        const finalized =
          before.deleted_at !== null && (JSON.parse(after.finalizers) as unknown[]).length === 0;
        return {
          after,
          type: finalized ? 'DELETED' : 'MODIFIED',
          verb: 'update',
          generationBefore: before.generation,
        };
      },
      then,
    );
  }

  updateStatus(scope: AccessScope, input: StatusInput, actor?: Actor): Promise<Resource> {
    return this.#mutate(
      scope,
      input.key,
      { expected: input.expectedResourceVersion },
      actor,
      (before, at) => {
        if (isDeepStrictEqual(JSON.parse(before.status), input.status)) return undefined;
        const after: ObjectRow = { ...before, status: JSON.stringify(input.status), updated_at: at };
        return { after, type: 'MODIFIED', verb: 'updateStatus', generationBefore: before.generation };
      },
    );
  }

  async recordAccess(scope: AccessScope, key: ObjectKey, actor: Actor, detail: string): Promise<void> {
    if (!keyVisible(scope, key)) throw notFound(key);
    const identity = normalizeKey(key);
    await this.#db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('objects')
        .selectAll()
        .where(scopeFilter(scope))
        .where(keyFilter(identity))
        .executeTakeFirst();
      if (!row) throw notFound(key);
      const at = this.#now().toISOString();
      await writeAuditEntry(trx, { actor, verb: 'access', object: row, at, detail }, this.#retention);
    });
  }

  /**
   * Removes a tenant's audit entries older than `before` (audit retention), recording the pruning as an audit entry
   * of its own in the same transaction. Returns how many were removed.
   */
  async pruneAudit(tenant: string, before: Date, actor: Actor): Promise<number> {
    const at = this.#now().toISOString();
    return this.#db.transaction().execute(async (trx) =>
      pruneAuditEntries(
        trx,
        {
          tenant,
          before: before.toISOString(),
          actor,
          at,
          detail: `audit entries older than ${before.toISOString()} removed by the tenant's retention policy`,
        },
        this.#retention,
      ),
    );
  }

  async delete(
    scope: AccessScope,
    key: ObjectKey,
    options: { expectedResourceVersion?: string; dryRun?: boolean; cascade?: DeleteCascade },
    actor: Actor,
  ): Promise<{ deleted: boolean; object: Resource }> {
    let deleted = false;
    const write = { expected: options.expectedResourceVersion, dryRun: options.dryRun };
    const { cascade } = options;
    const then = cascade
      ? (trx: Transaction<Database>, at: string) =>
          applyCascade({ trx, actor, at, retention: this.#retention }, cascade)
      : undefined;
    const object = await this.#mutate(
      scope,
      key,
      write,
      actor,
      (before, at) => {
        if (before.deleted_at) return undefined;
        const hasFinalizers = (JSON.parse(before.finalizers) as unknown[]).length > 0;
        deleted = !hasFinalizers;
        const after: ObjectRow = { ...before, deleted_at: at, updated_at: at };
        return {
          after,
          type: hasFinalizers ? 'MODIFIED' : 'DELETED',
          verb: 'delete',
          generationBefore: before.generation,
        };
      },
      then,
    );
    return { deleted, object };
  }

  changes(
    scope: AccessScope,
    query: ChangesQuery,
  ): Promise<{ events: WatchEvent[]; resourceVersion: string }> {
    return readChanges(this.#db, scope, query);
  }

  async currentResourceVersion(): Promise<string> {
    return String(await readCounter(this.#db, 'resource_version'));
  }

  allChanges(query: ChangesQuery): Promise<{ events: WatchEvent[]; resourceVersion: string }> {
    return readChanges(this.#db, undefined, query);
  }

  allKeys(query: {
    kind: string;
    after?: string;
    limit?: number;
  }): Promise<{ keys: ObjectKey[]; next?: string }> {
    return scanKeys(this.#db, query);
  }

  /**
   * Read, check the precondition, compute, then (only if something changes) allocate a resourceVersion and
   * write with `WHERE resource_version = <read>`. A write that loses a race fails with STRATA_CONFLICT when
   * it had a precondition, and otherwise tries again holding the resourceVersion counter from the start. A dry
   * run does all of it and rolls back.
   */
  async #mutate(
    scope: AccessScope,
    key: ObjectKey,
    write: { expected: string | undefined; dryRun?: boolean | undefined },
    actor: Actor | undefined,
    compute: (before: ObjectRow, at: string) => Mutation | undefined,
    /** More writes in the same transaction, after the object's own (a delete's cascade). */
    then?: (trx: Transaction<Database>, at: string) => Promise<void>,
  ): Promise<Resource> {
    if (!keyVisible(scope, key)) throw notFound(key);
    const identity = normalizeKey(key);
    const { expected } = write;
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.#db, write.dryRun, async (trx) => {
          // After a lost race, take the resourceVersion counter first: every write holds it until it commits, so
          // what we read next cannot change before we commit, and the retry cannot lose again (progress under
          // many concurrent writers; the unused number on a no-op is a harmless gap).
          const reserved = attempt > 1 ? await allocateResourceVersion(trx) : undefined;
          const before = await trx
            .selectFrom('objects')
            .selectAll()
            .where(scopeFilter(scope))
            .where(keyFilter(identity))
            .executeTakeFirst();
          if (!before) throw notFound(key);
          const current = String(toNumber(before.resource_version));
          if (expected !== undefined && expected !== current) throw conflict(key, expected, current);
          const at = this.#now().toISOString();
          const mutation = compute(before, at);
          if (!mutation) return rowToResource(before);
          const rv = reserved ?? (await allocateResourceVersion(trx));
          const after: ObjectRow = { ...mutation.after, resource_version: rv };
          if (mutation.type === 'DELETED') {
            await conditionalDelete(trx, before);
            after.deleted_at ??= at;
          } else {
            await conditionalUpdate(trx, before, after);
            if (after.labels !== before.labels)
              await replaceLabels(trx, after.uid, JSON.parse(after.labels) as Record<string, string>);
          }
          await recordChange(trx, mutation.type, after, this.#retention);
          if (actor) await this.#audit(trx, actor, mutation, after, at);
          await then?.(trx, at);
          return rowToResource(after);
        });
      } catch (err) {
        if (!(err instanceof WriteRaced)) throw err;
        if (expected !== undefined) {
          throw conflict(key, expected, 'newer');
        }
        if (attempt >= this.#maxAttempts) {
          throw new StrataError(
            'STRATA_CONFLICT',
            `${describeKey(key)} kept changing during the write; retry`,
          );
        }
      }
    }
  }

  async #audit(
    trx: Transaction<Database>,
    actor: Actor,
    mutation: Mutation,
    after: ObjectRow,
    at: string,
  ): Promise<void> {
    await writeAuditEntry(
      trx,
      {
        actor,
        verb: mutation.verb,
        object: after,
        generationBefore: mutation.generationBefore,
        generationAfter: after.generation,
        at,
      },
      this.#retention,
    );
  }
}

function alreadyExists(key: ObjectKey): StrataError {
  return new StrataError('STRATA_ALREADY_EXISTS', `${describeKey(key)} already exists`, [
    { path: '/metadata/name', message: 'already exists' },
  ]);
}

function replaced(before: string, value: unknown): string {
  return value === undefined ? before : JSON.stringify(value);
}

function sameContent(a: ObjectRow, b: ObjectRow): boolean {
  return (
    a.spec === b.spec &&
    isDeepStrictEqual(JSON.parse(a.labels), JSON.parse(b.labels)) &&
    isDeepStrictEqual(JSON.parse(a.annotations), JSON.parse(b.annotations)) &&
    a.finalizers === b.finalizers
  );
}
