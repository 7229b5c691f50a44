import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';

type EpochMs = ColumnType<string | number, string | number, string | number>;

/** Table `agent_requests` (migrations 0004, 0005). */
export interface AgentRequestsTable {
  id: string;
  cluster_uid: string;
  /** As stored (the caller encrypts: it holds resolved values). */
  request: string;
  created_at: EpochMs;
  claimed_at: EpochMs | null;
  answered_at: EpochMs | null;
  /** As stored (the caller encrypts). */
  answer: string | null;
}

export interface AgentRequestRow {
  id: string;
  clusterUid: string;
  request: string;
  createdAt: number;
  claimedAt?: number;
  answeredAt?: number;
  answer?: string;
}

export interface AgentRequestRepositoryOptions {
  db: Kysely<Database>;
  /** The clock (tests pass a fake one). */
  now?: () => number;
  /** A claimed request nobody answered is offered again after this long (the agent's poll was lost). Default 10 s. */
  reclaimAfterMs?: number;
  /** Requests older than this are never offered and are deleted when a new one is made. Default 5 minutes. */
  expireAfterMs?: number;
}

type Db = Kysely<Database & { agent_requests: AgentRequestsTable }>;

function rowOf(r: Selectable<AgentRequestsTable>): AgentRequestRow {
  return {
    id: r.id,
    clusterUid: r.cluster_uid,
    request: r.request,
    createdAt: toNumber(r.created_at),
    ...(r.claimed_at !== null ? { claimedAt: toNumber(r.claimed_at) } : {}),
    ...(r.answered_at !== null ? { answeredAt: toNumber(r.answered_at) } : {}),
    ...(r.answer !== null ? { answer: r.answer } : {}),
  };
}

/**
 * Requests to agents and their answers (adoption previews, object reads), shared by every replica: the API request
 * that asks writes one, the agent's long poll (on any replica) claims it with one conditional UPDATE, the agent's
 * answer fills it in, and the asking request (polling) reads and deletes it.
 */
export class AgentRequestRepository {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #reclaimAfterMs: number;
  readonly #expireAfterMs: number;

  constructor(options: AgentRequestRepositoryOptions) {
    this.#db = options.db.withTables<{ agent_requests: AgentRequestsTable }>();
    this.#now = options.now ?? Date.now;
    this.#reclaimAfterMs = options.reclaimAfterMs ?? 10_000;
    this.#expireAfterMs = options.expireAfterMs ?? 300_000;
  }

  /** Stores a request (and deletes expired ones of any cluster). */
  async create(input: { id: string; clusterUid: string; request: string }): Promise<void> {
    const now = this.#now();
    await this.#db
      .deleteFrom('agent_requests')
      .where('created_at', '<', now - this.#expireAfterMs)
      .execute();
    await this.#db
      .insertInto('agent_requests')
      .values({
        id: input.id,
        cluster_uid: input.clusterUid,
        request: input.request,
        created_at: now,
        claimed_at: null,
        answered_at: null,
        answer: null,
      })
      .execute();
  }

  /** Filters rows an agent may claim now: unanswered, not expired, and unclaimed or claimed too long ago. */
  #claimable(now: number) {
    return this.#db
      .selectFrom('agent_requests')
      .where('answered_at', 'is', null)
      .where('created_at', '>=', now - this.#expireAfterMs)
      .where((eb) =>
        eb.or([eb('claimed_at', 'is', null), eb('claimed_at', '<', now - this.#reclaimAfterMs)]),
      );
  }

  /** The clusters with a request waiting to be claimed (one query for all the long polls of a replica). */
  async waitingClusters(): Promise<Set<string>> {
    const rows = await this.#claimable(this.#now()).select('cluster_uid').distinct().execute();
    return new Set(rows.map((r) => r.cluster_uid));
  }

  /** Claims the oldest waiting request of a cluster; undefined when there is none (or another poll won it). */
  async claim(clusterUid: string): Promise<AgentRequestRow | undefined> {
    const now = this.#now();
    const candidates = await this.#claimable(now)
      .selectAll()
      .where('cluster_uid', '=', clusterUid)
      .orderBy('created_at')
      .limit(3)
      .execute();
    for (const row of candidates) {
      const result = await this.#db
        .updateTable('agent_requests')
        .set({ claimed_at: now })
        .where('id', '=', row.id)
        .where('answered_at', 'is', null)
        .where((eb) =>
          row.claimed_at === null
            ? eb('claimed_at', 'is', null)
            : eb('claimed_at', '=', toNumber(row.claimed_at)),
        )
        .executeTakeFirst();
      if (Number(result.numUpdatedRows) === 1) return { ...rowOf(row), claimedAt: now };
    }
    return undefined;
  }

  /** Records the answer to a request of this cluster; false when there is no such unanswered request. */
  async answer(clusterUid: string, id: string, answer: string): Promise<boolean> {
    const result = await this.#db
      .updateTable('agent_requests')
      .set({ answer, answered_at: this.#now() })
      .where('id', '=', id)
      .where('cluster_uid', '=', clusterUid)
      .where('answered_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async get(id: string): Promise<AgentRequestRow | undefined> {
    const row = await this.#db
      .selectFrom('agent_requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirst();
    return row ? rowOf(row) : undefined;
  }

  async remove(id: string): Promise<void> {
    await this.#db.deleteFrom('agent_requests').where('id', '=', id).execute();
  }

  /** Forgets every request of a cluster (it was deleted). */
  async removeCluster(clusterUid: string): Promise<void> {
    await this.#db.deleteFrom('agent_requests').where('cluster_uid', '=', clusterUid).execute();
  }
}
