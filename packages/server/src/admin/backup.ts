/**
 * `strata admin backup`: an online, consistent copy of the SQLite database (SQLite's backup API; the server keeps
 * running) in one file that describes itself (backup-manifest.ts). The encryption keys are not in it unless asked
 * for, sealed with a passphrase: a backup is kept apart from the keys, like the database is (docs/operations/
 * backup-restore.md says why and how). Either way it names the keys its sealed values need, and says so loudly.
 */
import { chmod, rename, rm, stat } from 'node:fs/promises';
import {
  appliedMigrations,
  backupSqlite,
  checkKeyRing,
  keyFileOf,
  openDatabase,
  readKeyRing,
  readStoreEpoch,
  sealedValueCensus,
  sqliteFileOf,
  KEY_FILE_NAME,
} from '@strata/store';
import { sql } from 'kysely';
import { adminError, sealKeys } from './backup-keys.js';
import { BACKUP_FORMAT, writeManifest, type BackupManifest } from './backup-manifest.js';

export interface AdminIO {
  out(line: string): void;
  warn(line: string): void;
}

export interface BackupOptions {
  dataDir: string;
  databaseUrl: string;
  /** The backup file to write (must not exist). */
  output: string;
  /** Put the key ring in the backup, sealed with this passphrase. */
  includeKeys?: { passphrase: string };
  env?: NodeJS.ProcessEnv;
  io: AdminIO;
}

export async function backup(o: BackupOptions): Promise<BackupManifest> {
  const file = sqliteFileOf(o.databaseUrl);
  if (file === undefined)
    throw adminError(
      'the database is PostgreSQL: back it up with pg_dump (and WAL archiving for point-in-time recovery) as ' +
        'docs/operations/backup-restore.md describes; strata admin backup copies SQLite databases',
    );
  if (!(await exists(file))) throw adminError(`no database at ${file} (give --data-dir or --database-url)`);
  if (await exists(o.output)) throw adminError(`${o.output} exists; not overwriting it`);
  const loaded = await readKeyRing({ dataDir: o.dataDir, env: o.env ?? process.env });
  if (o.includeKeys && !loaded)
    throw adminError(
      `--include-keys: no key ring to include (no STRATA_ENCRYPTION_KEYS/STRATA_ENCRYPTION_KEY and no ${o.dataDir}/${KEY_FILE_NAME})`,
    );
  const partial = `${o.output}.partial`;
  await rm(partial, { force: true });
  let manifest: BackupManifest;
  try {
    const { totalPages } = await backupSqlite(file, partial);
    await chmod(partial, 0o600);
    const copy = await openDatabase({ url: `sqlite:${partial}`, migrate: false });
    try {
      // One self-contained file: no -wal next to it.
      await sql`PRAGMA journal_mode = DELETE`.execute(copy.db);
      const census = await sealedValueCensus(copy.db);
      manifest = {
        format: BACKUP_FORMAT,
        createdAt: new Date().toISOString(),
        migrations: await appliedMigrations(copy.db),
        epoch: await readStoreEpoch(copy.db).catch(() => ''),
        keys: Object.fromEntries([...census.byKey].map(([id, e]) => [id, e.count])),
        ...(o.includeKeys && loaded
          ? {
              sealedKeys: sealKeys(
                keyFileOf(loaded.ring, new Date().toISOString()),
                o.includeKeys.passphrase,
              ),
            }
          : {}),
      };
      await writeManifest(copy.db, manifest);
      const keyIds = Object.keys(manifest.keys);
      if (loaded) {
        const check = checkKeyRing(census, loaded.ring);
        if (!check.ok)
          o.io.warn(
            `warning: the key ring this server uses (${describeSource(loaded)}) cannot open this database's sealed values: ${check.message}`,
          );
      }
      o.io.out(
        `backup written to ${o.output}: ${totalPages} pages, migrations up to ${manifest.migrations.at(-1) ?? 'none'}, ` +
          `${census.total} sealed values (keys ${keyIds.join(', ') || 'none'})`,
      );
      if (manifest.sealedKeys)
        o.io.out(
          `the key ring (${loaded?.ring.ids.join(', ')}) is in the backup, sealed with the passphrase: keep the passphrase apart from the file`,
        );
      else if (keyIds.length > 0)
        o.io.warn(
          `warning: this backup does not contain the encryption keys, and it is useless without them: its ${census.total} ` +
            `sealed values need key${keyIds.length > 1 ? 's' : ''} ${keyIds.join(', ')}. Keep ` +
            `${loaded ? describeSource(loaded) : 'the key ring'} safe elsewhere, or back up with --include-keys --passphrase-file FILE.`,
        );
    } finally {
      await copy.close();
    }
    await rename(partial, o.output);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
  return manifest;
}

export function describeSource(loaded: { source: string; file?: string }): string {
  return loaded.source === 'env'
    ? 'STRATA_ENCRYPTION_KEYS / STRATA_ENCRYPTION_KEY'
    : (loaded.file ?? 'the key file');
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
