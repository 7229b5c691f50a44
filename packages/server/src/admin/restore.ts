/**
 * `strata admin restore` (SQLite, from a `strata admin backup` file) and `strata admin finish-restore` (any database
 * restored by other means: pg_restore, point-in-time recovery, a copied SQLite file). Both refuse, changing nothing,
 * when this build does not know the database's schema (forward-only migrations) or when the key ring the server will
 * start with cannot open the database's sealed values (checked by decrypting real ones). Both then start a new store
 * epoch, so agents take the restored revisions even where their own revision numbers are higher.
 */
import { chmod, copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import {
  addKeysToFile,
  assertSchemaKnown,
  checkKeyRing,
  keyFileOf,
  keyRingFromFile,
  openDatabase,
  readKeyRing,
  renewStoreEpoch,
  sealedValueCensus,
  sqliteFileOf,
  sqliteInUse,
  KEY_FILE_NAME,
  type DatabaseHandle,
  type KeyFile,
  type KeyRing,
} from '@strata/store';
import { adminError, unsealKeys } from './backup-keys.js';
import { dropManifest, readManifest } from './backup-manifest.js';
import { describeSource, exists, type AdminIO } from './backup.js';

export interface RestoreOptions {
  dataDir: string;
  databaseUrl: string;
  /** The backup file. */
  from: string;
  /** Opens the key ring sealed in the backup (backups made with --include-keys). */
  passphrase?: string;
  /** Only check the backup (schema, keys); change nothing. */
  checkOnly?: boolean;
  env?: NodeJS.ProcessEnv;
  io: AdminIO;
  now?: () => Date;
}

export async function restore(o: RestoreOptions): Promise<{ epoch?: string; keptAs?: string }> {
  const file = sqliteFileOf(o.databaseUrl);
  if (file === undefined)
    throw adminError(
      'the database is PostgreSQL: restore it with pg_restore (or point-in-time recovery), then run ' +
        'strata admin finish-restore --database-url URL (docs/operations/backup-restore.md)',
    );
  if (!(await exists(o.from))) throw adminError(`no backup at ${o.from}`);
  const env = o.env ?? process.env;
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  // Everything happens on a copy next to the database (the backup file is only read): checked, migrated, given a new
  // epoch, then renamed over the database in one step.
  const staging = join(dirname(file), `.strata-restore-${process.pid}.db`);
  await copyFile(o.from, staging);
  await chmod(staging, 0o600);
  try {
    let backupKeys: KeyFile | undefined;
    let epoch: string;
    const handle = await openDatabase({ url: `sqlite:${staging}`, migrate: false });
    try {
      const manifest = await readManifest(handle.db, o.from);
      await assertSchemaKnown(handle.db);
      if (manifest.sealedKeys && o.passphrase) backupKeys = unsealKeys(manifest.sealedKeys, o.passphrase);
      else if (o.passphrase) o.io.warn('note: this backup holds no keys; --passphrase-file is not used');
      const keys = await checkKeys(handle, `the backup ${o.from}`, {
        dataDir: o.dataDir,
        env,
        backupKeys,
        io: o.io,
        sealedInBackup: !!manifest.sealedKeys,
      });
      o.io.out(`backup ${o.from} from ${manifest.createdAt}: schema known, ${keys}`);
      if (o.checkOnly) return {};
      if ((await exists(file)) && sqliteInUse(file))
        throw adminError(
          `${file} is open in another process (a running strata server?): stop it, then restore`,
        );
      await dropManifest(handle.db);
      await handle.migrate();
      epoch = await renewStoreEpoch(handle.db);
    } finally {
      await handle.close();
    }
    if (backupKeys && !keyRingFromEnvSet(env)) {
      const added = await addKeysToFile(o.dataDir, backupKeys);
      if (added.length > 0)
        o.io.out(
          `added key${added.length > 1 ? 's' : ''} ${added.join(', ')} to ${join(o.dataDir, KEY_FILE_NAME)}`,
        );
    }
    let keptAs: string | undefined;
    if (await exists(file)) {
      const stamp = (o.now?.() ?? new Date()).toISOString().replace(/[:.]/g, '-');
      keptAs = `${file}.before-restore-${stamp}`;
      for (const suffix of ['-wal', '-shm', '']) {
        if (await exists(`${file}${suffix}`)) await rename(`${file}${suffix}`, `${keptAs}${suffix}`);
      }
    }
    await rename(staging, file);
    o.io.out(
      `restored ${file} from ${o.from}; new store epoch ${epoch} (agents take the restored desired states)` +
        (keptAs ? `; the previous database is kept as ${keptAs}` : ''),
    );
    return { epoch, ...(keptAs ? { keptAs } : {}) };
  } finally {
    for (const suffix of ['', '-wal', '-shm']) await rm(`${staging}${suffix}`, { force: true });
  }
}

export interface FinishRestoreOptions {
  dataDir: string;
  databaseUrl: string;
  env?: NodeJS.ProcessEnv;
  io: AdminIO;
}

/** After pg_restore / point-in-time recovery (servers stopped): check schema and keys, migrate, new epoch. */
export async function finishRestore(o: FinishRestoreOptions): Promise<{ epoch: string }> {
  const file = sqliteFileOf(o.databaseUrl);
  if (file !== undefined) {
    if (!(await exists(file))) throw adminError(`no database at ${file} (give --data-dir or --database-url)`);
    if (sqliteInUse(file))
      throw adminError(`${file} is open in another process (a running strata server?): stop it first`);
  }
  const handle = await openDatabase({ url: o.databaseUrl, migrate: false });
  try {
    await assertSchemaKnown(handle.db);
    const keys = await checkKeys(handle, 'the restored database', {
      dataDir: o.dataDir,
      env: o.env ?? process.env,
      io: o.io,
      sealedInBackup: false,
    });
    await handle.migrate();
    const epoch = await renewStoreEpoch(handle.db);
    o.io.out(
      `the restored database is ready: schema known, ${keys}; new store epoch ${epoch} ` +
        '(agents take the restored desired states). Start the servers.',
    );
    return { epoch };
  } finally {
    await handle.close();
  }
}

/**
 * The key ring the server will start with after the restore: the environment's when set (the server reads no file
 * then), else the data directory's key file with the backup's keys added.
 */
interface KeySources {
  dataDir: string;
  env: NodeJS.ProcessEnv;
  backupKeys?: KeyFile | undefined;
  sealedInBackup: boolean;
  io: AdminIO;
}

async function ringForRestore(o: KeySources): Promise<{ ring: KeyRing; describe: string } | undefined> {
  const loaded = await readKeyRing({ dataDir: o.dataDir, env: o.env });
  if (loaded?.source === 'env') {
    if (o.backupKeys)
      o.io.warn(
        'note: STRATA_ENCRYPTION_KEYS/STRATA_ENCRYPTION_KEY is set, so the server reads its keys from the environment, ' +
          "not from the key file: the backup's keys are not installed; the environment's keys are checked",
      );
    return { ring: loaded.ring, describe: describeSource(loaded) };
  }
  if (o.backupKeys) {
    const merged: KeyFile = loaded?.file
      ? {
          primary: loaded.ring.primary.id,
          keys: [
            ...keyFileOf(loaded.ring, new Date().toISOString()).keys,
            ...o.backupKeys.keys.filter((k) => !loaded.ring.get(k.id)),
          ],
        }
      : o.backupKeys;
    return {
      ring: keyRingFromFile(merged, 'the key ring'),
      describe: `the backup's keys${loaded ? ' and the key file' : ''}`,
    };
  }
  return loaded ? { ring: loaded.ring, describe: describeSource(loaded) } : undefined;
}

/**
 * Refuses (nothing changed yet) unless the key ring the server will start with opens the database's sealed values;
 * says what it checked. A database without sealed values needs no keys.
 */
async function checkKeys(handle: DatabaseHandle, what: string, sources: KeySources): Promise<string> {
  const census = await sealedValueCensus(handle.db);
  const ring = await ringForRestore(sources);
  if (!ring) {
    if (census.total === 0) return 'no sealed values (no keys needed)';
    throw adminError(
      `no encryption keys: neither STRATA_ENCRYPTION_KEYS/STRATA_ENCRYPTION_KEY nor ${join(sources.dataDir, KEY_FILE_NAME)}, ` +
        `and ${what} has ${census.total} sealed values. ` +
        (sources.sealedInBackup
          ? 'The backup holds the keys sealed with a passphrase: give --passphrase-file FILE.'
          : 'Put the key file (or the environment variables) the backup was made with in place first.'),
    );
  }
  const check = checkKeyRing(census, ring.ring);
  if (!check.ok)
    throw adminError(
      `refusing: ${ring.describe} cannot open the sealed values of ${what}: ${check.message}. Without the right keys the ` +
        'restored secrets (cloud credentials, sensitive variables, desired states) are unreadable; nothing was changed.',
    );
  return `${ring.describe} opens its sealed values`;
}

function keyRingFromEnvSet(env: NodeJS.ProcessEnv): boolean {
  return !!(env.STRATA_ENCRYPTION_KEYS?.trim() || env.STRATA_ENCRYPTION_KEY?.trim());
}
