import assert from 'node:assert/strict';
import { Migrator } from 'kysely';
import { after, before, describe, it } from 'node:test';
import { migrationProvider } from '../migrations/index.js';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { SsoRepository } from './sso.js';

const login = (id: string, kind: 'authorize' | 'device' = 'authorize') => ({
  id,
  kind,
  tenant: 't',
  provider: 'corp',
  data: 'sealed',
});

for (const backend of await testBackends()) {
  describe(`SsoRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let now = 1_000_000;
    let repo: SsoRepository;
    before(async () => {
      db = await backend.create();
      repo = new SsoRepository({ db: db.handle.db, now: () => now });
    });
    after(() => db.dispose());

    it('hands a row out once, also to concurrent takers', async () => {
      await repo.create(login('once'), 60_000);
      const taken = await Promise.all([repo.take('once', 'authorize'), repo.take('once', 'authorize')]);
      assert.equal(taken.filter((t) => t !== undefined).length, 1);
      assert.equal(await repo.take('once', 'authorize'), undefined);
    });

    it('keeps rows of one kind apart and lets device rows be read until taken', async () => {
      await repo.create(login('dev', 'device'), 60_000);
      assert.equal(await repo.take('dev', 'authorize'), undefined);
      assert.deepEqual(await repo.get('dev', 'device'), login('dev', 'device'));
      assert.deepEqual(await repo.get('dev', 'device'), login('dev', 'device'));
      assert.ok(await repo.take('dev', 'device'));
    });

    it('expired rows are gone', async () => {
      await repo.create(login('old'), 1000);
      now += 1000;
      assert.equal(await repo.get('old', 'authorize'), undefined);
      assert.equal(await repo.take('old', 'authorize'), undefined);
    });

    it('one replica at a time claims a due session refresh', async () => {
      await repo.putSession({
        tenant: 't',
        keyName: 'k',
        provider: 'corp',
        refreshToken: 'sealed',
        refreshAt: now,
      });
      const claims = await Promise.all([
        repo.claimRefresh('t', 'k', now + 5000),
        repo.claimRefresh('t', 'k', now + 5000),
      ]);
      assert.deepEqual(claims.sort(), [false, true]);
      assert.equal(await repo.claimRefresh('t', 'k', now + 5000), false, 'not due again yet');
      assert.equal((await repo.session('t', 'k'))?.refreshAt, now + 5000);
      await repo.removeSession('t', 'k');
      assert.equal(await repo.session('t', 'k'), undefined);
    });

    it('forgets sessions not refreshed for a day (their keys have expired) when another is stored', async () => {
      await repo.putSession({
        tenant: 't',
        keyName: 'idle',
        provider: 'corp',
        refreshToken: 'sealed',
        refreshAt: now,
      });
      now += 25 * 3600_000;
      await repo.putSession({
        tenant: 't',
        keyName: 'new',
        provider: 'corp',
        refreshToken: 'sealed',
        refreshAt: now,
      });
      assert.equal(await repo.session('t', 'idle'), undefined);
      assert.ok(await repo.session('t', 'new'));
    });
  });

  describe(`migration 0008-sso [${backend.name}]`, () => {
    it('goes down and up again', async () => {
      const db = await backend.create();
      try {
        const migrator = new Migrator({ db: db.handle.db, provider: migrationProvider });
        const down = await migrator.migrateTo('0007-repave-approvals');
        assert.equal(down.error, undefined);
        const tables = async () => (await db.handle.db.introspection.getTables()).map((t) => t.name);
        assert.ok(!(await tables()).includes('sso_logins'));
        const up = await migrator.migrateToLatest();
        assert.equal(up.error, undefined);
        assert.ok((await tables()).includes('sso_sessions'));
      } finally {
        await db.dispose();
      }
    });
  });
}
