/**
 * What a backup file says about itself: the `strata_backup` table (name → JSON value) that `strata admin backup`
 * adds to its copy of the database, so one SQLite file is the whole backup. Restore reads it and drops the table.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from '@strata/store';
import { adminError } from './backup-keys.js';
import type { SealedKeys } from './backup-keys.js';

export const BACKUP_FORMAT = 'strata-backup/1';
const TABLE = 'strata_backup';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  /** The migrations the database had. */
  migrations: string[];
  /** The store epoch when the backup was taken (a restore starts a new one). */
  epoch: string;
  /** Key ids the sealed values need, with how many values each. */
  keys: Record<string, number>;
  /** The key ring, sealed with a passphrase (only with --include-keys). */
  sealedKeys?: SealedKeys;
}

export async function writeManifest(db: Kysely<Database>, manifest: BackupManifest): Promise<void> {
  await sql`CREATE TABLE ${sql.table(TABLE)} (name TEXT PRIMARY KEY, value TEXT NOT NULL)`.execute(db);
  for (const [name, value] of Object.entries(manifest))
    await sql`INSERT INTO ${sql.table(TABLE)} (name, value) VALUES (${name}, ${JSON.stringify(value)})`.execute(
      db,
    );
}

export async function readManifest(db: Kysely<Database>, file: string): Promise<BackupManifest> {
  const tables = await db.introspection.getTables();
  if (!tables.some((t) => t.name === TABLE))
    throw adminError(
      `${file} is not a Strata backup (no ${TABLE} table; make backups with strata admin backup)`,
    );
  const rows = await sql<{
    name: string;
    value: string;
  }>`SELECT name, value FROM ${sql.table(TABLE)}`.execute(db);
  const manifest = Object.fromEntries(rows.rows.map((r) => [r.name, JSON.parse(r.value) as unknown]));
  if (manifest.format !== BACKUP_FORMAT)
    throw adminError(
      `${file} is a backup in format ${String(manifest.format)}; this build reads ${BACKUP_FORMAT}`,
    );
  return manifest as unknown as BackupManifest;
}

export async function dropManifest(db: Kysely<Database>): Promise<void> {
  await sql`DROP TABLE IF EXISTS ${sql.table(TABLE)}`.execute(db);
}
