import type { ColumnType, Kysely } from 'kysely';
import type { Database } from '../schema.js';
import { toNumber } from '../schema.js';

type BigIntColumn = ColumnType<string | number, string | number, string | number>;

/** Table `sso_logins` (migration 0008): sign-ins in progress, each row used once. */
export interface SsoLoginsTable {
  id: string;
  kind: string;
  tenant: string;
  provider: string;
  /** Encrypted by the server. */
  data: string;
  expires_at: BigIntColumn;
}

/** Table `sso_sessions` (migration 0008): the IdP refresh token behind a session key. */
export interface SsoSessionsTable {
  tenant: string;
  key_name: string;
  provider: string;
  /** Encrypted by the server. */
  refresh_token: string;
  refresh_at: BigIntColumn;
}

export type SsoLoginKind = 'authorize' | 'result' | 'device' | 'password';

export interface SsoLogin {
  id: string;
  kind: SsoLoginKind;
  tenant: string;
  provider: string;
  data: string;
}

export interface SsoSession {
  tenant: string;
  keyName: string;
  provider: string;
  refreshToken: string;
  refreshAt: number;
}

export interface SsoRepositoryOptions {
  db: Kysely<Database>;
  now?: () => number;
  /**
   * Session rows not refreshed for this long belong to keys that have expired or gone (a session lives 12 h and is
   * refreshed while used): they are removed when another session is stored. Default 24 h.
   */
  staleSessionMs?: number;
}

type Db = Kysely<Database & { sso_logins: SsoLoginsTable; sso_sessions: SsoSessionsTable }>;

/**
 * Sign-in state for single sign-on, in the database so that any replica can finish a sign-in another one started.
 * `take` deletes the row it returns in one statement: a state, one-time code or device handle works once, also when
 * two replicas receive it at the same moment.
 */
export class SsoRepository {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #staleSessionMs: number;

  constructor(options: SsoRepositoryOptions) {
    this.#db = options.db.withTables<{ sso_logins: SsoLoginsTable; sso_sessions: SsoSessionsTable }>();
    this.#now = options.now ?? Date.now;
    this.#staleSessionMs = options.staleSessionMs ?? 24 * 3600_000;
  }

  async create(login: SsoLogin, ttlMs: number): Promise<void> {
    const now = this.#now();
    await this.#db.deleteFrom('sso_logins').where('expires_at', '<=', now).execute();
    await this.#db
      .insertInto('sso_logins')
      .values({ ...login, expires_at: now + ttlMs })
      .execute();
  }

  /** The unexpired row (left in place: a device authorization is polled several times). */
  async get(id: string, kind: SsoLoginKind): Promise<SsoLogin | undefined> {
    const row = await this.#db
      .selectFrom('sso_logins')
      .selectAll()
      .where('id', '=', id)
      .where('kind', '=', kind)
      .where('expires_at', '>', this.#now())
      .executeTakeFirst();
    return row ? toLogin(row) : undefined;
  }

  /** Removes and returns the unexpired row: undefined when it never existed, expired or was taken already. */
  async take(id: string, kind: SsoLoginKind): Promise<SsoLogin | undefined> {
    const row = await this.#db
      .deleteFrom('sso_logins')
      .where('id', '=', id)
      .where('kind', '=', kind)
      .where('expires_at', '>', this.#now())
      .returningAll()
      .executeTakeFirst();
    return row ? toLogin(row) : undefined;
  }

  async putSession(session: SsoSession): Promise<void> {
    await this.#db
      .deleteFrom('sso_sessions')
      .where('refresh_at', '<', this.#now() - this.#staleSessionMs)
      .execute();
    const values = {
      tenant: session.tenant,
      key_name: session.keyName,
      provider: session.provider,
      refresh_token: session.refreshToken,
      refresh_at: session.refreshAt,
    };
    await this.#db
      .insertInto('sso_sessions')
      .values(values)
      .onConflict((oc) =>
        oc.columns(['tenant', 'key_name']).doUpdateSet({
          refresh_token: values.refresh_token,
          refresh_at: values.refresh_at,
        }),
      )
      .execute();
  }

  async session(tenant: string, keyName: string): Promise<SsoSession | undefined> {
    const row = await this.#db
      .selectFrom('sso_sessions')
      .selectAll()
      .where('tenant', '=', tenant)
      .where('key_name', '=', keyName)
      .executeTakeFirst();
    return row
      ? {
          tenant: row.tenant,
          keyName: row.key_name,
          provider: row.provider,
          refreshToken: row.refresh_token,
          refreshAt: toNumber(row.refresh_at),
        }
      : undefined;
  }

  /**
   * Claims the next refresh of a session (moves refresh_at to `next` when it is due): only one replica refreshes a
   * session at a time. False when it is not due or another replica claimed it.
   */
  async claimRefresh(tenant: string, keyName: string, next: number): Promise<boolean> {
    const res = await this.#db
      .updateTable('sso_sessions')
      .set({ refresh_at: next })
      .where('tenant', '=', tenant)
      .where('key_name', '=', keyName)
      .where('refresh_at', '<=', this.#now())
      .executeTakeFirst();
    return Number(res.numUpdatedRows) === 1;
  }

  async removeSession(tenant: string, keyName: string): Promise<void> {
    await this.#db
      .deleteFrom('sso_sessions')
      .where('tenant', '=', tenant)
      .where('key_name', '=', keyName)
      .execute();
  }
}

function toLogin(row: {
  id: string;
  kind: string;
  tenant: string;
  provider: string;
  data: string;
}): SsoLogin {
  return {
    id: row.id,
    kind: row.kind as SsoLoginKind,
    tenant: row.tenant,
    provider: row.provider,
    data: row.data,
  };
}
