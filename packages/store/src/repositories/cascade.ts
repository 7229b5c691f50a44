import { StrataError } from '@strata/api';
import type { Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';
import type { Actor, DeleteCascade, ObjectKey } from '../types.js';
import { writeAuditEntry } from './audit.js';
import { describeKey, keyFilter, normalizeKey, type ObjectRow } from './object-rows.js';
import { conditionalDelete, conditionalUpdate, WriteRaced } from './object-writes.js';
import { allocateResourceVersion, recordChange, type ChangeRetention } from './write-log.js';

export interface CascadeContext {
  trx: Transaction<Database>;
  actor: Actor;
  at: string;
  retention: ChangeRetention;
}

/**
 * Applies a delete's cascade inside the delete's transaction. The delete has already taken the resourceVersion
 * counter, which every writer holds until it commits, so what is read here cannot change before the commit.
 */
export async function applyCascade(c: CascadeContext, cascade: DeleteCascade): Promise<void> {
  try {
    for (const u of cascade.updates ?? []) {
      const before = await current(c, u.key, u.resourceVersion);
      const after: ObjectRow = {
        ...before,
        spec: JSON.stringify(u.spec),
        generation: before.generation + 1,
        resource_version: await allocateResourceVersion(c.trx),
        updated_at: c.at,
      };
      await conditionalUpdate(c.trx, before, after);
      await recordChange(c.trx, 'MODIFIED', after, c.retention);
      await audit(c, 'update', after, before.generation);
    }
    for (const d of cascade.deletes ?? []) {
      const before = await current(c, d.key, d.resourceVersion);
      const after: ObjectRow = {
        ...before,
        resource_version: await allocateResourceVersion(c.trx),
        updated_at: c.at,
        deleted_at: before.deleted_at ?? c.at,
      };
      await conditionalDelete(c.trx, before);
      await recordChange(c.trx, 'DELETED', after, c.retention);
      await audit(c, 'delete', after, before.generation);
    }
  } catch (err) {
    if (err instanceof WriteRaced) throw changed('an object that depends on it');
    throw err;
  }
  if (cascade.purgeTenant) await purgeTenant(c, cascade.purgeTenant);
}

async function current(c: CascadeContext, key: ObjectKey, resourceVersion: string): Promise<ObjectRow> {
  const row = await c.trx
    .selectFrom('objects')
    .selectAll()
    .where(keyFilter(normalizeKey(key)))
    .executeTakeFirst();
  if (!row || String(toNumber(row.resource_version)) !== resourceVersion) throw changed(describeKey(key));
  return row;
}

function changed(what: string): StrataError {
  return new StrataError('STRATA_CONFLICT', `${what} changed during the delete; retry`);
}

async function audit(
  c: CascadeContext,
  verb: 'update' | 'delete',
  object: ObjectRow,
  generationBefore: number,
): Promise<void> {
  await writeAuditEntry(
    c.trx,
    { actor: c.actor, verb, object, generationBefore, generationAfter: object.generation, at: c.at },
    c.retention,
  );
}

async function purgeTenant(
  c: CascadeContext,
  purge: NonNullable<DeleteCascade['purgeTenant']>,
): Promise<void> {
  const { tenant } = purge;
  if (tenant === '') throw new StrataError('STRATA_INTERNAL', 'refusing to purge the system scope');
  const rows = await c.trx
    .selectFrom('objects')
    .select(['kind', 'project', 'name', 'labels'])
    .where('tenant', '=', tenant)
    .execute();
  for (const r of rows) {
    const labels = JSON.parse(r.labels) as Record<string, string>;
    const reason = purge.refuse?.({ kind: r.kind, project: r.project, name: r.name, labels });
    if (reason) throw new StrataError('STRATA_IN_USE', reason);
  }
  const uids = c.trx.selectFrom('objects').select('uid').where('tenant', '=', tenant);
  await c.trx.deleteFrom('object_labels').where('uid', 'in', uids).execute();
  await c.trx.deleteFrom('objects').where('tenant', '=', tenant).execute();
  // The history too: a tenant created later under this name must not be able to watch its predecessor's changes.
  await c.trx.deleteFrom('changes').where('tenant', '=', tenant).execute();
  const agents = c.trx.selectFrom('cluster_agents').select('cluster_uid').where('tenant', '=', tenant);
  await c.trx.deleteFrom('desired_states').where('cluster_uid', 'in', agents).execute();
  await c.trx.deleteFrom('cluster_agents').where('tenant', '=', tenant).execute();
}
