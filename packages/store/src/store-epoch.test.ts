import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { appliedMigrations, openDatabase } from './db.js';
import { MIGRATIONS } from './migrations/index.js';
import { readStoreEpoch, renewStoreEpoch } from './store-epoch.js';
import { ClusterAgentRepository } from './repositories/cluster-agents.js';
import { KeyRing } from './secrets/key-ring.js';
import { encryptString } from './secrets/cipher.js';
import { checkKeyRing, sealedValueCensus } from './secrets/sealed-values.js';
import { testBackends } from './test-databases.js';

const key = (id: string) => ({ id, key: randomBytes(32) });

for (const backend of await testBackends()) {
  describe(`store epoch, schema guard and sealed values [${backend.name}]`, () => {
    it('makes an epoch with the database and a new one on renew', async () => {
      const db = await backend.create();
      try {
        const first = await readStoreEpoch(db.handle.db);
        assert.match(first, /^[0-9a-f-]{36}$/);
        const second = await renewStoreEpoch(db.handle.db);
        assert.notEqual(second, first);
        assert.equal(await readStoreEpoch(db.handle.db), second);
      } finally {
        await db.dispose();
      }
    });

    it('refuses a database a newer Strata migrated, naming the migrations it does not know', async () => {
      const db = await backend.create();
      try {
        assert.deepEqual(await appliedMigrations(db.handle.db), Object.keys(MIGRATIONS));
        await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('0010-from-the-future', '2030-01-01T00:00:00Z'),
          ('0011-later-still', '2030-01-02T00:00:00Z')`.execute(db.handle.db);
        await assert.rejects(db.handle.migrate(), (err: Error) => {
          assert.match(err.message, /migrated by a newer Strata/);
          assert.match(err.message, /0010-from-the-future, 0011-later-still/);
          assert.match(err.message, /knows up to 0009-store-epoch/);
          return true;
        });
        // A second process (a server starting) is refused the same way, and nothing was changed.
        await assert.rejects(openDatabase({ url: db.url }), /0010-from-the-future/);
        assert.equal((await appliedMigrations(db.handle.db)).length, Object.keys(MIGRATIONS).length + 2);
      } finally {
        await db.dispose();
      }
    });

    it('finds every sealed value and checks that a key ring opens them', async () => {
      const db = await backend.create();
      try {
        const old = key('old-key');
        const current = key('new-key');
        const writer = new KeyRing([current, old]);
        const oldOnly = new KeyRing([old]);
        const now = new Date().toISOString();
        await sql`INSERT INTO objects (uid, tenant, project, kind, name, version, resource_version, generation, labels,
              annotations, finalizers, spec, status, created_at, updated_at)
            VALUES ('u1', 't', '', 'CloudAccount', 'aws', '', 1, 1, '{}', '{}', '[]',
              ${JSON.stringify({ credentials: encryptString(oldOnly, '"a"'), other: encryptString(oldOnly, '"b"') })},
              '{}', ${now}, ${now})`.execute(db.handle.db);
        await new ClusterAgentRepository({ db: db.handle.db }).publish(
          'c1',
          'h1',
          encryptString(writer, '{"stack":{}}'),
          now,
        );
        const census = await sealedValueCensus(db.handle.db);
        assert.equal(census.total, 3);
        assert.deepEqual([...census.byKey].map(([id, e]) => [id, e.count, e.where]).sort(), [
          ['new-key', 1, 'desired_states.document'],
          ['old-key', 2, 'objects.spec'],
        ]);
        assert.equal(checkKeyRing(census, writer).ok, true);
        const lacking = checkKeyRing(census, new KeyRing([current]));
        assert.deepEqual(lacking.missing, ['old-key']);
        assert.match(
          lacking.message,
          /key "old-key" \(2 values\) is not in the key ring \(it has "new-key"\)/,
        );
        const impostor = checkKeyRing(census, new KeyRing([key('new-key'), old]));
        assert.deepEqual(impostor.wrong, ['new-key']);
        assert.match(impostor.message, /cannot decrypt the values sealed under that id/);
      } finally {
        await db.dispose();
      }
    });
  });
}
