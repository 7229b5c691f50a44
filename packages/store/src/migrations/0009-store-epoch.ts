import { randomUUID } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';
import type { StoreMetaTable } from '../schema.js';

/**
 * `store_meta`: facts about the database itself, one row per name. `epoch` is a random id made when the database is
 * created and made again by every restore (`strata admin restore` / `finish-restore`): desired-state revisions count
 * within an epoch, so an agent that holds a revision of another epoch takes the server's state even when its own
 * revision number is higher (a server restored from an older backup). See store-epoch.ts.
 */
export const storeEpoch: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('store_meta')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'text', (c) => c.notNull())
      .execute();
    await (db as Kysely<{ store_meta: StoreMetaTable }>)
      .insertInto('store_meta')
      .values({ name: 'epoch', value: randomUUID() })
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('store_meta').execute();
  },
};
