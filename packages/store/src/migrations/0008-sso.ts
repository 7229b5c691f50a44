import type { Kysely, Migration } from 'kysely';

/**
 * Single sign-on state shared by every replica (and one-time password-set links: kind `password`):
 * - `sso_logins`: sign-ins in progress, each used once: an authorization request (keyed by the SHA-256 of its
 *   `state`), a finished sign-in waiting for its client to collect the session (keyed by the hash of a one-time
 *   code), or a device authorization (keyed by the hash of the handle the CLI polls with). `data` is encrypted by
 *   the server (nonce, PKCE verifier, device code, the minted session); rows expire (`expires_at`, epoch ms).
 * - `sso_sessions`: the IdP refresh token (encrypted) behind each session key made by SSO, and when it is next
 *   refreshed: a session ends when the IdP refuses the refresh.
 */
export const sso: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('sso_logins')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('data', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('sso_logins_expires').on('sso_logins').column('expires_at').execute();
    await db.schema
      .createTable('sso_sessions')
      .addColumn('tenant', 'text', (c) => c.notNull())
      .addColumn('key_name', 'text', (c) => c.notNull())
      .addColumn('provider', 'text', (c) => c.notNull())
      .addColumn('refresh_token', 'text', (c) => c.notNull())
      .addColumn('refresh_at', 'bigint', (c) => c.notNull())
      .addPrimaryKeyConstraint('sso_sessions_pk', ['tenant', 'key_name'])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable('sso_sessions').execute();
    await db.schema.dropTable('sso_logins').execute();
  },
};
