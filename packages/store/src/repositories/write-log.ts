import { StrataError } from '@strata/api';
import type { Kysely, Transaction } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';
import { rowToResource, type ObjectRow } from './object-rows.js';

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeRetention {
  /** How many resourceVersions of history the changes table keeps (default 10000). */
  window: number;
  /** Prune once every this many writes (default 100). */
  pruneEvery: number;
}

export const DEFAULT_RETENTION: ChangeRetention = { window: 10_000, pruneEvery: 100 };

/**
 * Allocates the next global resourceVersion inside the write transaction. The single counter row is
 * locked until commit, so on PostgreSQL writers are serialized and commit order equals resourceVersion
 * order: a watcher that has seen N has seen every change <= N once it sees N.
 */
export async function allocateResourceVersion(trx: Transaction<Database>): Promise<number> {
  const row = await trx
    .updateTable('counters')
    .set((eb) => ({ value: eb('value', '+', 1) }))
    .where('name', '=', 'resource_version')
    .returning('value')
    .executeTakeFirst();
  if (!row)
    throw new StrataError('STRATA_INTERNAL', 'resource_version counter missing; was the database migrated?');
  return toNumber(row.value);
}

export async function readCounter(
  db: Kysely<Database>,
  name: 'resource_version' | 'compacted_through',
): Promise<number> {
  const row = await db.selectFrom('counters').select('value').where('name', '=', name).executeTakeFirst();
  return row ? toNumber(row.value) : 0;
}

/** Records one change (the object as it is after the write) and prunes history beyond the window. */
export async function recordChange(
  trx: Transaction<Database>,
  type: ChangeType,
  row: ObjectRow,
  retention: ChangeRetention,
): Promise<void> {
  const rv = toNumber(row.resource_version);
  await trx
    .insertInto('changes')
    .values({
      resource_version: rv,
      type,
      tenant: row.tenant,
      project: row.project,
      kind: row.kind,
      name: row.name,
      object: JSON.stringify(rowToResource(row)),
      created_at: row.updated_at,
    })
    .execute();
  if (rv % retention.pruneEvery === 0 && rv > retention.window) {
    const through = rv - retention.window;
    await trx.deleteFrom('changes').where('resource_version', '<=', through).execute();
    await trx
      .updateTable('counters')
      .set({ value: through })
      .where('name', '=', 'compacted_through')
      .where('value', '<', through)
      .execute();
  }
}
