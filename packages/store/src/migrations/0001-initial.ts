import { sql, type Kysely, type Migration } from 'kysely';

/** The initial schema. Portable between SQLite and PostgreSQL: no dialect checks needed. */
export const initial: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('counters')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('value', 'bigint', (c) => c.notNull())
      .execute();
    await sql`INSERT INTO counters (name, value) VALUES ('resource_version', 0), ('compacted_through', 0)`.execute(
      db,
    );

    await db.schema
      .createTable('objects')
      .addColumn('uid', 'text', (c) => c.primaryKey())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('version', 'text', (c) => c.notNull())
      .addColumn('resource_version', 'bigint', (c) => c.notNull())
      .addColumn('generation', 'integer', (c) => c.notNull())
      .addColumn('labels', 'text', (c) => c.notNull())
      .addColumn('annotations', 'text', (c) => c.notNull())
      .addColumn('finalizers', 'text', (c) => c.notNull())
      .addColumn('spec', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('deleted_at', 'text')
      .addUniqueConstraint('objects_identity', ['tenant', 'project', 'kind', 'name', 'version'])
      .execute();
    await db.schema
      .createIndex('objects_list')
      .on('objects')
      .columns(['tenant', 'kind', 'name', 'version', 'project'])
      .execute();

    await db.schema
      .createTable('object_labels')
      .addColumn('uid', 'text', (c) => c.notNull())
      .addColumn('key', 'text', (c) => c.notNull())
      .addColumn('value', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('object_labels_pk', ['uid', 'key'])
      .execute();
    await db.schema
      .createIndex('object_labels_key_value')
      .on('object_labels')
      .columns(['key', 'value'])
      .execute();

    await db.schema
      .createTable('changes')
      .addColumn('resource_version', 'bigint', (c) => c.primaryKey())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('object', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('leases')
      .addColumn('name', 'text', (c) => c.primaryKey())
      .addColumn('owner', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .addColumn('acquired_at', 'text', (c) => c.notNull())
      .addColumn('renewed_at', 'text', (c) => c.notNull())
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ['leases', 'changes', 'object_labels', 'objects', 'counters']) {
      await db.schema.dropTable(table).execute();
    }
  },
};
