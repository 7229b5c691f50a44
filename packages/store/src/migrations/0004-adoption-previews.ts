import type { Kysely, Migration } from 'kysely';

/**
 * Adoption previews (import): a plan for an imported cluster asks the cluster's agent what the first apply of a
 * stack would do. The request (the resolved stack, encrypted like desired states) waits here until the agent's long
 * poll claims it — on whichever replica that poll is parked — and the agent's answer (encrypted) until the plan
 * request reads it. Times are epoch milliseconds, compared in SQL; rows live minutes at most.
 */
export const adoptionPreviews: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('adoption_previews')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addColumn('request', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('claimed_at', 'bigint')
      .addColumn('answered_at', 'bigint')
      .addColumn('answer', 'text')
      .execute();
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
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('adoption_previews').execute();
  },
};
