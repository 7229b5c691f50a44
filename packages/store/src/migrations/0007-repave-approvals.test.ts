import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Migrator, sql } from 'kysely';
import { testBackends } from '../test-databases.js';
import { migrationProvider } from './index.js';

for (const backend of await testBackends()) {
  describe(`0007 repave approvals [${backend.name}]`, () => {
    it('moves an approval from status to spec, names every pending repave, and goes back', async () => {
      const db = await backend.create({ migrate: false });
      try {
        const migrator = new Migrator({ db: db.handle.db, provider: migrationProvider });
        assert.equal((await migrator.migrateTo('0006-identity')).error, undefined);
        const insert = (uid: string, spec: object, status: object) =>
          sql`INSERT INTO objects (uid, tenant, project, kind, name, version, resource_version, generation, labels,
                annotations, finalizers, spec, status, created_at, updated_at)
              VALUES (${uid}, 't', 'p', 'Cluster', ${uid}, '', 1, 4, '{}', '{}', '[]', ${JSON.stringify(spec)},
                ${JSON.stringify(status)}, 'now', 'now')`.execute(db.handle.db);
        const approved = { reason: 'OS', pools: ['cp'], approved: true, target: 'v1/abc', approvedBy: 'ana' };
        const waiting = { reason: 'OS', pools: ['cp'], approved: false, target: 'v1/def' };
        await insert('c-approved', { provider: 'sandbox' }, { phase: 'Running', pendingRepave: approved });
        await insert('c-waiting', { provider: 'sandbox' }, { phase: 'Running', pendingRepave: waiting });
        await insert('c-none', { provider: 'sandbox' }, { phase: 'Running' });
        assert.equal((await migrator.migrateTo('0007-repave-approvals')).error, undefined);
        const read = async (uid: string) => {
          const row = (
            await sql<{
              spec: string;
              status: string;
            }>`SELECT spec, status FROM objects WHERE uid = ${uid}`.execute(db.handle.db)
          ).rows[0]!;
          return {
            spec: JSON.parse(row.spec) as Record<string, unknown>,
            status: JSON.parse(row.status) as { pendingRepave?: { id?: string } },
          };
        };
        const a = await read('c-approved');
        const id = a.status.pendingRepave?.id;
        assert.match(id ?? '', /^[0-9a-f]{16}$/);
        assert.deepEqual(a.spec, { provider: 'sandbox', repaveApproval: { id, approvedBy: 'ana' } });
        const w = await read('c-waiting');
        assert.match(w.status.pendingRepave?.id ?? '', /^[0-9a-f]{16}$/);
        assert.notEqual(w.status.pendingRepave?.id, id);
        assert.deepEqual(w.spec, { provider: 'sandbox' }, 'nothing approved, nothing in spec');
        assert.deepEqual(await read('c-none'), {
          spec: { provider: 'sandbox' },
          status: { phase: 'Running' },
        });

        assert.equal((await migrator.migrateDown()).error, undefined);
        assert.deepEqual(await read('c-approved'), {
          spec: { provider: 'sandbox' },
          status: { phase: 'Running', pendingRepave: approved },
        });
        assert.deepEqual((await read('c-waiting')).status, { phase: 'Running', pendingRepave: waiting });
      } finally {
        await db.dispose();
      }
    });
  });
}
