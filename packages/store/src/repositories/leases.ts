import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { DialectName } from '../db.js';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';

export interface Lease {
  name: string;
  owner: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

export interface LeaseRequest {
  name: string;
  owner: string;
  ttlMs: number;
  /**
   * Epoch milliseconds from the caller's clock (tests). Absent: the database's clock, the one every replica shares, so
   * a replica whose clock is off cannot take a live lease or keep an expired one.
   */
  now?: number;
}

export interface LeaseRepositoryOptions {
  db: Kysely<Database>;
  dialect: DialectName;
}

/**
 * Named, expiring leases in the database. A lease belongs to one owner until it expires or is released;
 * acquire and renew are single conditional statements, so they are race-free on SQLite and PostgreSQL.
 */
export class LeaseRepository {
  readonly #db: Kysely<Database>;
  readonly #dialect: DialectName;

  constructor(options: LeaseRepositoryOptions) {
    this.#db = options.db;
    this.#dialect = options.dialect;
  }

  /** "Now" in epoch milliseconds: the caller's, or the database's clock. */
  #now(request: LeaseRequest): RawBuilder<number> {
    if (request.now !== undefined) return sql<number>`CAST(${request.now} AS BIGINT)`;
    return this.#dialect === 'postgres'
      ? sql<number>`CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)`
      : sql<number>`CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER)`;
  }

  /** Takes the lease if it is free, expired, or already ours (then it is extended). Returns it, or undefined. */
  async acquire(request: LeaseRequest): Promise<Lease | undefined> {
    if (this.#dialect === 'postgres' && !(await this.#mayBeFree(request))) return undefined;
    const now = this.#now(request);
    const expiresAt = sql<number>`${now} + CAST(${request.ttlMs} AS BIGINT)`;
    // Informational timestamps (who took it when); expiry decisions use `now` above.
    const at = new Date(request.now ?? Date.now()).toISOString();
    const row = await this.#db
      .insertInto('leases')
      .values({
        name: request.name,
        owner: request.owner,
        expires_at: expiresAt,
        acquired_at: at,
        renewed_at: at,
      })
      .onConflict((oc) =>
        oc
          .column('name')
          .doUpdateSet({ owner: request.owner, expires_at: expiresAt, acquired_at: at, renewed_at: at })
          .where((eb) => eb.or([eb('leases.owner', '=', request.owner), eb('leases.expires_at', '<=', now)])),
      )
      .returning(['name', 'owner', 'expires_at'])
      .executeTakeFirst();
    return row ? { name: row.name, owner: row.owner, expiresAt: toNumber(row.expires_at) } : undefined;
  }

  /** Extends a lease we still hold (and that has not expired). Returns false when it was lost. */
  async renew(request: LeaseRequest): Promise<boolean> {
    const now = this.#now(request);
    const result = await this.#db
      .updateTable('leases')
      .set({
        expires_at: sql<number>`${now} + CAST(${request.ttlMs} AS BIGINT)`,
        renewed_at: new Date(request.now ?? Date.now()).toISOString(),
      })
      .where('name', '=', request.name)
      .where('owner', '=', request.owner)
      .where('expires_at', '>', now)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /** Gives a lease up early (only if we hold it). */
  async release(name: string, owner: string): Promise<void> {
    await this.#db.deleteFrom('leases').where('name', '=', name).where('owner', '=', owner).execute();
  }

  async get(name: string): Promise<Lease | undefined> {
    const row = await this.#db
      .selectFrom('leases')
      .select(['name', 'owner', 'expires_at'])
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? { name: row.name, owner: row.owner, expiresAt: toNumber(row.expires_at) } : undefined;
  }

  /** Deletes leases that expired before `now` (housekeeping; expired leases are also simply taken over). */
  async deleteExpired(now: number): Promise<number> {
    const result = await this.#db.deleteFrom('leases').where('expires_at', '<=', now).executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /**
   * PostgreSQL fast path: when another replica is in the middle of taking or renewing this lease, its row is
   * locked; `FOR UPDATE SKIP LOCKED` lets us give up at once instead of queueing behind it. A live lease held
   * by someone else is also refused without a write.
   */
  async #mayBeFree(request: LeaseRequest): Promise<boolean> {
    return this.#db.transaction().execute(async (trx) => {
      const exists = await trx
        .selectFrom('leases')
        .select('owner')
        .where('name', '=', request.name)
        .executeTakeFirst();
      if (!exists) return true;
      const row = await trx
        .selectFrom('leases')
        .select(['owner', 'expires_at', this.#now(request).as('now')])
        .where('name', '=', request.name)
        .forUpdate()
        .skipLocked()
        .executeTakeFirst();
      if (!row) return false;
      return row.owner === request.owner || toNumber(row.expires_at) <= toNumber(row.now);
    });
  }
}
