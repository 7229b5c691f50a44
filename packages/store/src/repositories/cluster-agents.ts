import type { Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';
import { readStoreEpoch } from '../store-epoch.js';

/** The cluster an agent token belongs to. */
export interface AgentIdentity {
  clusterUid: string;
  tenant: string;
  project: string;
  name: string;
}

export interface AgentRecord extends AgentIdentity {
  tokenHash: string;
  tokenIssuedAt: string;
  lastSeen?: string;
  agentVersion?: string;
}

export interface DesiredStateRow {
  revision: number;
  contentHash: string;
  /** As stored (the caller encrypts and decrypts). */
  document: string;
  createdAt: string;
}

export interface ClusterAgentRepositoryOptions {
  db: Kysely<Database>;
  /** Desired-state revisions kept per cluster (older ones are pruned). Default 10. */
  keepRevisions?: number;
}

/**
 * Agent tokens, heartbeats and desired-state revisions, per cluster uid. Kept outside the objects table: a heartbeat
 * every 30 s from thousands of agents must not mint resourceVersions or wake watchers.
 */
export class ClusterAgentRepository {
  readonly #db: Kysely<Database>;
  readonly #keep: number;

  constructor(options: ClusterAgentRepositoryOptions) {
    this.#db = options.db;
    this.#keep = options.keepRevisions ?? 10;
  }

  /** Stores (or replaces) the token hash of a cluster's agent; the previous token stops working. */
  async setToken(identity: AgentIdentity, tokenHash: string, at: string): Promise<void> {
    await this.#db
      .insertInto('cluster_agents')
      .values({
        cluster_uid: identity.clusterUid,
        tenant: identity.tenant,
        project: identity.project,
        name: identity.name,
        token_hash: tokenHash,
        token_issued_at: at,
        last_seen: null,
        agent_version: null,
      })
      .onConflict((oc) =>
        oc.column('cluster_uid').doUpdateSet({ token_hash: tokenHash, token_issued_at: at }),
      )
      .execute();
  }

  async get(clusterUid: string): Promise<AgentRecord | undefined> {
    const row = await this.#db
      .selectFrom('cluster_agents')
      .selectAll()
      .where('cluster_uid', '=', clusterUid)
      .executeTakeFirst();
    if (!row) return undefined;
    return {
      clusterUid: row.cluster_uid,
      tenant: row.tenant,
      project: row.project,
      name: row.name,
      tokenHash: row.token_hash,
      tokenIssuedAt: row.token_issued_at,
      ...(row.last_seen ? { lastSeen: row.last_seen } : {}),
      ...(row.agent_version ? { agentVersion: row.agent_version } : {}),
    };
  }

  /** Records a heartbeat: one row update. */
  async touch(clusterUid: string, at: string, agentVersion: string): Promise<void> {
    await this.#db
      .updateTable('cluster_agents')
      .set({ last_seen: at, agent_version: agentVersion })
      .where('cluster_uid', '=', clusterUid)
      .execute();
  }

  /**
   * Publishes a desired state unless the newest revision already has this content hash. Returns the revision the
   * cluster is at afterwards. Concurrent publishers of one cluster are serialised by the primary key: the loser
   * retries and then sees the winner's row.
   */
  async publish(clusterUid: string, contentHash: string, document: string, at: string): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      const latest = await this.latest(clusterUid);
      if (latest?.contentHash === contentHash) return latest.revision;
      const revision = (latest?.revision ?? 0) + 1;
      try {
        await this.#db
          .insertInto('desired_states')
          .values({ cluster_uid: clusterUid, revision, content_hash: contentHash, document, created_at: at })
          .execute();
      } catch (err) {
        if (attempt < 3) continue;
        throw err;
      }
      await this.#db
        .deleteFrom('desired_states')
        .where('cluster_uid', '=', clusterUid)
        .where('revision', '<=', revision - this.#keep)
        .execute();
      return revision;
    }
  }

  async latest(clusterUid: string): Promise<DesiredStateRow | undefined> {
    const row = await this.#db
      .selectFrom('desired_states')
      .selectAll()
      .where('cluster_uid', '=', clusterUid)
      .orderBy('revision', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row
      ? {
          revision: toNumber(row.revision),
          contentHash: row.content_hash,
          document: row.document,
          createdAt: row.created_at,
        }
      : undefined;
  }

  /** The store's epoch, which desired-state revisions count in (read every time: a restore changes it). */
  async epoch(): Promise<string> {
    return readStoreEpoch(this.#db);
  }

  /** Forgets everything about a cluster's agent (after the cluster is deleted). */
  async remove(clusterUid: string): Promise<void> {
    await this.#db.deleteFrom('desired_states').where('cluster_uid', '=', clusterUid).execute();
    await this.#db.deleteFrom('cluster_agents').where('cluster_uid', '=', clusterUid).execute();
  }
}
