import type { Kysely, Migration } from 'kysely';

/**
 * The adoption-preview hand-off becomes the general one for requests the server makes to an agent and waits for
 * (adoption previews, reading the objects selected for a generated profile): the table is renamed, its rows keep
 * their meaning (the type of a request is inside its encrypted payload). Indexes are made again under the new name
 * (SQLite cannot rename an index).
 */
export const agentRequests: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('adoption_previews_cluster').execute();
    await db.schema.dropIndex('adoption_previews_created').execute();
    await db.schema.alterTable('adoption_previews').renameTo('agent_requests').execute();
    await db.schema
      .createIndex('agent_requests_cluster')
      .on('agent_requests')
      .columns(['cluster_uid', 'created_at'])
      .execute();
    await db.schema.createIndex('agent_requests_created').on('agent_requests').column('created_at').execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex('agent_requests_cluster').execute();
    await db.schema.dropIndex('agent_requests_created').execute();
    await db.schema.alterTable('agent_requests').renameTo('adoption_previews').execute();
    await db.schema
      .createIndex('adoption_previews_cluster')
      .on('adoption_previews')
      .columns(['cluster_uid', 'created_at'])
      .execute();
    await db.schema
      .createIndex('adoption_previews_created')
      .on('adoption_previews')
      .column('created_at')
      .execute();
  },
};
