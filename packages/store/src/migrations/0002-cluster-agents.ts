import type { Kysely, Migration } from 'kysely';

/**
 * What the server keeps per cluster agent outside the Cluster object: the hash of its token, when it last reported
 * (a heartbeat is one row update, not a new resourceVersion), and the desired-state revisions it pulls.
 */
export const clusterAgents: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('cluster_agents')
      .addColumn('cluster_uid', 'text', (c) => c.primaryKey())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('token_hash', 'text', (c) => c.notNull())
      .addColumn('token_issued_at', 'text', (c) => c.notNull())
      .addColumn('last_seen', 'text')
      .addColumn('agent_version', 'text')
      .execute();
    await db.schema
      .createTable('desired_states')
      .addColumn('cluster_uid', 'text', (c) => c.notNull())
      .addColumn('revision', 'bigint', (c) => c.notNull())
      .addColumn('content_hash', 'text', (c) => c.notNull())
      .addColumn('document', 'text', (c) => c.notNull())
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('desired_states_pk', ['cluster_uid', 'revision'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('desired_states').execute();
    await db.schema.dropTable('cluster_agents').execute();
  },
};
