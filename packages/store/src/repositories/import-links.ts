import type { ColumnType, Kysely, Selectable } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';

/** Table `import_links` (migration 0003). */
export interface ImportLinksTable {
  /** SHA-256 (hex) of the link's token; the token itself is never stored. */
  token_hash: string;
  cluster_uid: string;
  tenant: string;
  project: string;
  name: string;
  created_by: string;
  created_at: string;
  /** Epoch milliseconds. */
  expires_at: ColumnType<string | number, string | number, string | number>;
  used_at: string | null;
}

/** The cluster a link registers. */
export interface ImportLinkCluster {
  clusterUid: string;
  tenant: string;
  project: string;
  name: string;
}

export interface ImportLink extends ImportLinkCluster {
  tokenHash: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string;
  usedAt?: string;
}

export interface NewImportLink extends ImportLinkCluster {
  tokenHash: string;
  createdBy: string;
  /** How long the link works, from now. */
  ttlMs: number;
}

/** What using a link found: it is now used (by this call), or was used before, or expired, or never existed. */
export type ImportLinkUse =
  | { outcome: 'consumed'; link: ImportLink }
  | { outcome: 'used'; link: ImportLink }
  | { outcome: 'expired'; link: ImportLink }
  | { outcome: 'unknown' };

export interface ImportLinkRepositoryOptions {
  db: Kysely<Database>;
  /** The clock links expire by (tests pass a fake one). */
  now?: () => Date;
  /** Links expired longer ago than this are deleted when a new link is made. Default 7 days. */
  keepExpiredMs?: number;
}

type Db = Kysely<Database & { import_links: ImportLinksTable }>;
type Row = Selectable<ImportLinksTable>;

/**
 * One-time import links. `consume` is a single conditional UPDATE (`used_at IS NULL AND expires_at > now`), so a
 * link is handed out once even when two servers on one PostgreSQL database serve it at the same moment.
 */
export class ImportLinkRepository {
  readonly #db: Db;
  readonly #now: () => Date;
  readonly #keepExpiredMs: number;

  constructor(options: ImportLinkRepositoryOptions) {
    this.#db = options.db.withTables<{ import_links: ImportLinksTable }>();
    this.#now = options.now ?? (() => new Date());
    this.#keepExpiredMs = options.keepExpiredMs ?? 7 * 24 * 3600 * 1000;
  }

  /** The repository's clock. */
  now(): Date {
    return this.#now();
  }

  async create(input: NewImportLink): Promise<ImportLink> {
    const now = this.#now();
    const row = {
      token_hash: input.tokenHash,
      cluster_uid: input.clusterUid,
      tenant: input.tenant,
      project: input.project,
      name: input.name,
      created_by: input.createdBy,
      created_at: now.toISOString(),
      expires_at: now.getTime() + input.ttlMs,
      used_at: null,
    };
    await this.#db.insertInto('import_links').values(row).execute();
    await this.#db
      .deleteFrom('import_links')
      .where('expires_at', '<', now.getTime() - this.#keepExpiredMs)
      .execute();
    return toLink(row);
  }

  async get(tokenHash: string): Promise<ImportLink | undefined> {
    const row = await this.#db
      .selectFrom('import_links')
      .selectAll()
      .where('token_hash', '=', tokenHash)
      .executeTakeFirst();
    return row ? toLink(row) : undefined;
  }

  /** Marks the link used if it is unused and unexpired (atomically), and says what it found. */
  async consume(tokenHash: string): Promise<ImportLinkUse> {
    const now = this.#now();
    const consumed = await this.#db
      .updateTable('import_links')
      .set({ used_at: now.toISOString() })
      .where('token_hash', '=', tokenHash)
      .where('used_at', 'is', null)
      .where('expires_at', '>', now.getTime())
      .returningAll()
      .executeTakeFirst();
    if (consumed) return { outcome: 'consumed', link: toLink(consumed) };
    const link = await this.get(tokenHash);
    if (!link) return { outcome: 'unknown' };
    return link.usedAt ? { outcome: 'used', link } : { outcome: 'expired', link };
  }

  /** Undoes a `consume` whose result could not be handed out (only that use: `usedAt` must match). */
  async release(tokenHash: string, usedAt: string): Promise<void> {
    await this.#db
      .updateTable('import_links')
      .set({ used_at: null })
      .where('token_hash', '=', tokenHash)
      .where('used_at', '=', usedAt)
      .execute();
  }

  /** Deletes one link (e.g. when the request that made it failed). */
  async remove(tokenHash: string): Promise<void> {
    await this.#db.deleteFrom('import_links').where('token_hash', '=', tokenHash).execute();
  }
}

function toLink(row: Row): ImportLink {
  return {
    tokenHash: row.token_hash,
    clusterUid: row.cluster_uid,
    tenant: row.tenant,
    project: row.project,
    name: row.name,
    createdBy: row.created_by,
    createdAt: row.created_at,
    expiresAt: new Date(toNumber(row.expires_at)).toISOString(),
    ...(row.used_at ? { usedAt: row.used_at } : {}),
  };
}
