import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { Database } from '../schema.js';
import type { Actor } from '../types.js';
import type { ObjectRow } from './object-rows.js';
import { allocateResourceVersion, recordChange, type ChangeRetention } from './write-log.js';

/** Kinds that are records of what happened; writing them is never audited (no audit of the audit). */
export const UNAUDITED_KINDS: ReadonlySet<string> = new Set(['Event', 'AuditEntry']);

/**
 * `access`: a read that hands out a credential (e.g. a cluster's admin kubeconfig); `prune`: audit entries removed
 * by the tenant's retention policy.
 */
export type AuditVerb = 'create' | 'update' | 'delete' | 'updateStatus' | 'access' | 'prune';

export interface AuditInput {
  actor: Actor;
  verb: AuditVerb;
  /** The object after the write (or, for a hard delete, its last state). */
  object: ObjectRow;
  generationBefore?: number;
  generationAfter?: number;
  at: string;
  /** What was done, when the verb alone does not say it (e.g. `admin kubeconfig`). */
  detail?: string;
}

/** Writes one AuditEntry object in the caller's transaction, with its own resourceVersion and change. */
export async function writeAuditEntry(
  trx: Transaction<Database>,
  input: AuditInput,
  retention: ChangeRetention,
): Promise<void> {
  if (UNAUDITED_KINDS.has(input.object.kind)) return;
  const rv = await allocateResourceVersion(trx);
  const target = input.object;
  const spec: Record<string, unknown> = {
    actor: input.actor.name,
    verb: input.verb,
    object:
      target.project === ''
        ? { kind: target.kind, name: target.name }
        : { kind: target.kind, name: target.name, project: target.project },
    at: input.at,
    outcome: 'Success',
  };
  if (input.generationBefore !== undefined) spec.generationBefore = input.generationBefore;
  if (input.generationAfter !== undefined) spec.generationAfter = input.generationAfter;
  if (input.actor.requestId) spec.requestId = input.actor.requestId;
  if (target.version) spec.detail = `version ${target.version}`;
  if (input.detail)
    spec.detail = target.version ? `${input.detail} (version ${target.version})` : input.detail;
  const row: ObjectRow = {
    uid: randomUUID(),
    tenant: target.tenant,
    project: target.project,
    kind: 'AuditEntry',
    name: `a-${rv}`,
    version: '',
    resource_version: rv,
    generation: 1,
    labels: '{}',
    annotations: '{}',
    finalizers: '[]',
    spec: JSON.stringify(spec),
    status: '{}',
    created_at: input.at,
    updated_at: input.at,
    deleted_at: null,
  };
  await trx.insertInto('objects').values(row).execute();
  await recordChange(trx, 'ADDED', row, retention);
}

/**
 * Removes a tenant's audit entries created before `before` (ISO time) and records that it did, in one transaction:
 * the pruning itself is an audit entry (verb `prune`, object the tenant) that says how many went. Nothing is written
 * when nothing was old enough. Returns how many were removed.
 */
export async function pruneAuditEntries(
  trx: Transaction<Database>,
  input: { tenant: string; before: string; actor: Actor; at: string; detail: string },
  retention: ChangeRetention,
): Promise<number> {
  const old = trx
    .selectFrom('objects')
    .select('uid')
    .where('tenant', '=', input.tenant)
    .where('kind', '=', 'AuditEntry')
    .where('created_at', '<', input.before);
  await trx.deleteFrom('object_labels').where('uid', 'in', old).execute();
  const res = await trx
    .deleteFrom('objects')
    .where('tenant', '=', input.tenant)
    .where('kind', '=', 'AuditEntry')
    .where('created_at', '<', input.before)
    .executeTakeFirst();
  const removed = Number(res.numDeletedRows);
  if (removed === 0) return 0;
  const target: ObjectRow = {
    uid: '',
    tenant: input.tenant,
    project: '',
    kind: 'Tenant',
    name: input.tenant,
    version: '',
    resource_version: '0',
    generation: 0,
    labels: '{}',
    annotations: '{}',
    finalizers: '[]',
    spec: '{}',
    status: '{}',
    created_at: input.at,
    updated_at: input.at,
    deleted_at: null,
  };
  await writeAuditEntry(
    trx,
    { actor: input.actor, verb: 'prune', object: target, at: input.at, detail: `${removed} ${input.detail}` },
    retention,
  );
  return removed;
}
