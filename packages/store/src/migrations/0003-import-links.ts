import type { Kysely, Migration } from 'kysely';

/**
 * One-time import links (`kubectl apply -f <server>/v1/import/TOKEN.yaml`): only the SHA-256 hash of the token is
 * kept, with the cluster it belongs to, who made it, when it expires (epoch ms, compared in SQL) and when it was
 * used. A link is used by one conditional UPDATE, so it works once even with several replicas.
 */
export const importLinks: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('import_links')
      .addColumn('token_hash', 'text', (c) => c.primaryKey())
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('used_at', 'text')
      .execute();
    await db.schema.createIndex('import_links_expires').on('import_links').column('expires_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('import_links').execute();
  },
};
