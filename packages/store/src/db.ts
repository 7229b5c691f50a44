import { DEFAULT_MIGRATION_TABLE, Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import SqliteDatabase from 'better-sqlite3';
import pg from 'pg';
import { StrataError } from '@strata/api';
import type { Database } from './schema.js';
import { MIGRATIONS, migrationProvider } from './migrations/index.js';

export type DialectName = 'sqlite' | 'postgres';

export interface OpenDatabaseOptions {
  /** `sqlite:PATH`, a file path, `:memory:`, or `postgres://...` / `postgresql://...`. */
  url: string;
  /** Run pending migrations before returning (default true). */
  migrate?: boolean;
  /** PostgreSQL pool size (default 10). */
  poolSize?: number;
  /** SQLite busy timeout in ms (default 5000). */
  busyTimeoutMs?: number;
  /**
   * Errors of idle PostgreSQL connections (server restart, admin termination). Without a handler pg would
   * crash the process; the default emits a process warning. The next query reports the problem itself.
   */
  onPoolError?: (err: Error) => void;
}

export interface DatabaseHandle {
  readonly db: Kysely<Database>;
  readonly dialect: DialectName;
  /** Runs pending migrations (idempotent; Kysely's lock table makes it safe across replicas). */
  migrate(): Promise<void>;
  close(): Promise<void>;
}

/** Opens SQLite (better-sqlite3: WAL, busy_timeout, foreign keys) or PostgreSQL (pg Pool) behind one Kysely. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<DatabaseHandle> {
  const { url } = options;
  const isPostgres = /^postgres(ql)?:\/\//.test(url);
  const db = isPostgres
    ? openPostgres(url, options.poolSize ?? 10, options.onPoolError)
    : openSqlite(url, options.busyTimeoutMs ?? 5000);
  const handle: DatabaseHandle = {
    db,
    dialect: isPostgres ? 'postgres' : 'sqlite',
    migrate: () => migrateToLatest(db),
    close: () => db.destroy(),
  };
  if (options.migrate !== false) {
    try {
      await handle.migrate();
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return handle;
}

/** The file of a SQLite URL (`sqlite:PATH`, a plain path); undefined for PostgreSQL URLs. */
export function sqliteFileOf(url: string): string | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return undefined;
  return url.startsWith('sqlite:') ? url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '') : url;
}

function openSqlite(url: string, busyTimeoutMs: number): Kysely<Database> {
  const path = sqliteFileOf(url) ?? url;
  const database = new SqliteDatabase(path);
  if (path !== ':memory:') database.pragma('journal_mode = WAL');
  database.pragma(`busy_timeout = ${Math.max(0, Math.floor(busyTimeoutMs))}`);
  database.pragma('foreign_keys = ON');
  database.pragma('synchronous = NORMAL');
  return new Kysely<Database>({ dialect: new SqliteDialect({ database }) });
}

function openPostgres(url: string, poolSize: number, onPoolError?: (err: Error) => void): Kysely<Database> {
  const pool = new pg.Pool({ connectionString: url, max: poolSize });
  pool.on(
    'error',
    onPoolError ?? ((err) => process.emitWarning(`idle PostgreSQL connection failed: ${err.message}`)),
  );
  return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}

/** The migrations this database has run, in order ([] for an empty database). */
export async function appliedMigrations(db: Kysely<Database>): Promise<string[]> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((t) => t.name === DEFAULT_MIGRATION_TABLE && !t.isView)) return [];
  const rows = await sql<{
    name: string;
  }>`SELECT name FROM ${sql.table(DEFAULT_MIGRATION_TABLE)} ORDER BY name`.execute(db);
  return rows.rows.map((r) => r.name);
}

/**
 * Migrations are forward-only: a database a newer Strata migrated has migrations this build does not know, and an
 * older server must not run on it (it would read and write a schema it does not understand). Throws naming them.
 */
export async function assertSchemaKnown(db: Kysely<Database>): Promise<void> {
  const unknown = (await appliedMigrations(db)).filter((name) => !(name in MIGRATIONS));
  if (unknown.length === 0) return;
  const known = Object.keys(MIGRATIONS);
  throw new StrataError(
    'STRATA_INTERNAL',
    `the database was migrated by a newer Strata: it has migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, ` +
      `which this build does not know (it knows up to ${known[known.length - 1] ?? 'none'}). Migrations are forward-only: ` +
      'run this Strata version or a newer one, or restore a backup taken before the upgrade ' +
      '(docs/operations/upgrade.md)',
  );
}

async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  await assertSchemaKnown(db);
  const migrator = new Migrator({ db, provider: migrationProvider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new StrataError(
      'STRATA_INTERNAL',
      `database migration ${failed} failed: ${error instanceof Error ? error.message : JSON.stringify(error)}`,
      [],
      { cause: error },
    );
  }
}
