/**
 * SQLite files for `strata admin backup` / `restore`: an online copy with SQLite's backup API (consistent while the
 * server writes: it copies pages and restarts when another connection changes the source) and a check that no
 * process has the database open.
 */
import SqliteDatabase from 'better-sqlite3';

/** Copies the database at `from` to `to` (a new file) while other processes may be writing it. Returns its pages. */
export async function backupSqlite(from: string, to: string): Promise<{ totalPages: number }> {
  const source = new SqliteDatabase(from, { readonly: true, fileMustExist: true });
  try {
    // All pages in one step, under one read lock: a snapshot even while the server writes (with small steps another
    // process's write would restart the copy, maybe again and again).
    const result = await source.backup(to, { progress: () => 0x7fffffff });
    return { totalPages: result.totalPages };
  } finally {
    source.close();
  }
}

/**
 * Whether another connection (a running server) has the database open: taking an exclusive lock fails at once then.
 * In WAL mode every open connection holds a shared lock, even an idle one.
 */
export function sqliteInUse(file: string): boolean {
  const probe = new SqliteDatabase(file, { timeout: 0, fileMustExist: true });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch (err) {
    if ((err as { code?: string }).code === 'SQLITE_BUSY') return true;
    throw err;
  } finally {
    probe.close();
  }
}
