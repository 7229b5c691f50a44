import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { openDatabase } from './db.js';
import { MIGRATIONS, migrationProvider } from './migrations/index.js';
import { testBackends } from './test-databases.js';

describe('openDatabase', () => {
  it('opens :memory: SQLite and migrates it', async () => {
    const handle = await openDatabase({ url: ':memory:' });
    try {
      assert.equal(handle.dialect, 'sqlite');
      const counter = await handle.db.selectFrom('counters').selectAll().orderBy('name').execute();
      assert.deepEqual(
        counter.map((c) => [c.name, Number(c.value)]),
        [
          ['compacted_through', 0],
          ['resource_version', 0],
        ],
      );
    } finally {
      await handle.close();
    }
  });

  it('opens a SQLite file (sqlite: URL or plain path) in WAL mode with foreign keys, and re-opens it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'strata-db-'));
    try {
      const file = join(dir, 'x.db');
      const first = await openDatabase({ url: `sqlite:${file}` });
      const mode = await sql<{ journal_mode: string }>`PRAGMA journal_mode`.execute(first.db);
      const fk = await sql<{ foreign_keys: number }>`PRAGMA foreign_keys`.execute(first.db);
      const busy = await sql<{ timeout: number }>`PRAGMA busy_timeout`.execute(first.db);
      assert.equal(mode.rows[0]?.journal_mode, 'wal');
      assert.equal(fk.rows[0]?.foreign_keys, 1);
      assert.equal(busy.rows[0]?.timeout, 5000);
      await first.close();
      const second = await openDatabase({ url: file });
      await second.migrate();
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('has one static, ordered migration map', () => {
    const names = Object.keys(MIGRATIONS);
    assert.deepEqual(names, [...names].sort());
    assert.ok(names.length >= 1);
  });
});

for (const backend of await testBackends()) {
  describe(`migrations [${backend.name}]`, () => {
    it('creates the same tables on every dialect and is idempotent', async () => {
      const db = await backend.create();
      try {
        await db.handle.migrate();
        const tables = (await db.handle.db.introspection.getTables())
          .map((t) => t.name)
          .filter((n) => !n.startsWith('kysely_'));
        assert.deepEqual(tables.sort(), [
          'agent_requests',
          'changes',
          'cluster_agents',
          'counters',
          'desired_states',
          'import_links',
          'leases',
          'login_attempts',
          'object_labels',
          'objects',
          'sso_logins',
          'sso_sessions',
          'store_meta',
        ]);
      } finally {
        await db.dispose();
      }
    });

    it('0005 renames adoption_previews to agent_requests and keeps waiting requests', async () => {
      const db = await backend.create({ migrate: false });
      try {
        const migrator = new Migrator({ db: db.handle.db, provider: migrationProvider });
        const to0004 = await migrator.migrateTo('0004-adoption-previews');
        assert.equal(to0004.error, undefined);
        await sql`INSERT INTO adoption_previews (id, cluster_uid, request, created_at) VALUES ('r1', 'c1', 'sealed', 5)`.execute(
          db.handle.db,
        );
        await db.handle.migrate();
        const rows = await sql<{
          id: string;
          request: string;
        }>`SELECT id, request FROM agent_requests`.execute(db.handle.db);
        assert.deepEqual(rows.rows, [{ id: 'r1', request: 'sealed' }]);
        const down = await migrator.migrateTo('0004-adoption-previews');
        assert.equal(down.error, undefined);
        const back = await sql<{ id: string }>`SELECT id FROM adoption_previews`.execute(db.handle.db);
        assert.deepEqual(back.rows, [{ id: 'r1' }]);
      } finally {
        await db.dispose();
      }
    });

    it('0006 binds role-binding subjects, team members and API keys to UIDs, drops orphans, and goes back', async () => {
      const db = await backend.create({ migrate: false });
      try {
        const migrator = new Migrator({ db: db.handle.db, provider: migrationProvider });
        assert.equal((await migrator.migrateTo('0005-agent-requests')).error, undefined);
        const insert = (uid: string, tenant: string, kind: string, name: string, spec: object, status = {}) =>
          sql`INSERT INTO objects (uid, tenant, project, kind, name, version, resource_version, generation, labels,
                annotations, finalizers, spec, status, created_at, updated_at)
              VALUES (${uid}, ${tenant}, '', ${kind}, ${name}, '', 1, 1, '{}', '{}', '[]', ${JSON.stringify(spec)},
                ${JSON.stringify(status)}, 'now', 'now')`.execute(db.handle.db);
        await insert('t-1', '', 'Tenant', 'acme', {});
        await insert('u-1', 'acme', 'User', 'alice', {});
        await insert('b-1', 'acme', 'RoleBinding', 'rb', {
          role: 'tenant-admin',
          subjects: [
            { kind: 'User', name: 'alice' },
            { kind: 'User', name: 'ghost' },
          ],
        });
        await insert('m-1', 'acme', 'Team', 'ops', { members: ['alice', 'ghost'] });
        await insert('k-1', 'acme', 'ApiKey', 'k', { user: 'alice' }, { keyHash: 'h' });
        await insert('o-1', 'gone', 'User', 'mallory', {});
        assert.equal((await migrator.migrateTo('0006-identity')).error, undefined);
        const spec = async (uid: string) => {
          const r = await sql<{
            spec: string;
            status: string;
          }>`SELECT spec, status FROM objects WHERE uid = ${uid}`.execute(db.handle.db);
          const row = r.rows[0];
          return row
            ? { spec: JSON.parse(row.spec) as unknown, status: JSON.parse(row.status) as unknown }
            : undefined;
        };
        assert.deepEqual((await spec('b-1'))?.spec, {
          role: 'tenant-admin',
          subjects: [
            { kind: 'User', name: 'alice', uid: 'u-1' },
            { kind: 'User', name: 'ghost' },
          ],
        });
        assert.deepEqual((await spec('m-1'))?.spec, { members: ['alice', 'ghost'], memberUids: ['u-1'] });
        assert.deepEqual((await spec('k-1'))?.status, { keyHash: 'h', userUid: 'u-1', tenantUid: 't-1' });
        assert.equal(await spec('o-1'), undefined, 'objects of a tenant that no longer exists are removed');
        await sql`INSERT INTO login_attempts (key, attempts, window_start) VALUES ('ip:x', 1, 1)`.execute(
          db.handle.db,
        );
        assert.equal((await migrator.migrateDown()).error, undefined);
        assert.deepEqual((await spec('b-1'))?.spec, {
          role: 'tenant-admin',
          subjects: [
            { kind: 'User', name: 'alice' },
            { kind: 'User', name: 'ghost' },
          ],
        });
        assert.deepEqual((await spec('m-1'))?.spec, { members: ['alice', 'ghost'] });
        assert.deepEqual((await spec('k-1'))?.status, { keyHash: 'h' });
        const tables = (await db.handle.db.introspection.getTables()).map((t) => t.name);
        assert.ok(!tables.includes('login_attempts'));
      } finally {
        await db.dispose();
      }
    });
  });
}
