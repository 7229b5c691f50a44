import assert from 'node:assert/strict';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { openDatabase } from './db.js';
import { backupSqlite, sqliteInUse } from './sqlite-backup.js';

describe('SQLite online backup', () => {
  it('copies what is committed (WAL included) while the database is open, and tells whether it is in use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-sqlite-backup-'));
    try {
      const file = join(dir, 'strata.db');
      const live = await openDatabase({ url: `sqlite:${file}` });
      await sql`UPDATE counters SET value = 4242 WHERE name = 'resource_version'`.execute(live.db);
      assert.ok((await stat(`${file}-wal`)).size > 0, 'the write is still in the WAL');
      assert.equal(sqliteInUse(file), true, 'an open connection (a running server) is seen');

      await backupSqlite(file, join(dir, 'copy.db'));
      await live.close();
      assert.equal(sqliteInUse(file), false);
      const copy = await openDatabase({ url: `sqlite:${join(dir, 'copy.db')}`, migrate: false });
      try {
        const row = await sql<{
          value: number;
        }>`SELECT value FROM counters WHERE name = 'resource_version'`.execute(copy.db);
        assert.equal(Number(row.rows[0]!.value), 4242);
        const check = await sql<{ integrity_check: string }>`PRAGMA integrity_check`.execute(copy.db);
        assert.equal(check.rows[0]!.integrity_check, 'ok');
      } finally {
        await copy.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
