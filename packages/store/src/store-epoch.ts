import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { StrataError } from '@strata/api';
import type { Database } from './schema.js';

/**
 * The store's epoch: a random id made with the database (migration 0009) and again by every restore. Revisions of
 * desired states count within one epoch; agents compare it (docs/contracts/agent-protocol.md#revisions).
 */
export async function readStoreEpoch(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectFrom('store_meta')
    .select('value')
    .where('name', '=', 'epoch')
    .executeTakeFirst();
  if (!row)
    throw new StrataError('STRATA_INTERNAL', 'the database has no store epoch (migration 0009 missing)');
  return row.value;
}

/** Starts a new epoch (after a restore): agents then take this database's revisions whatever their numbers. */
export async function renewStoreEpoch(db: Kysely<Database>): Promise<string> {
  const epoch = randomUUID();
  await db
    .insertInto('store_meta')
    .values({ name: 'epoch', value: epoch })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: epoch }))
    .execute();
  return epoch;
}
