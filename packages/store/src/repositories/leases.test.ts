import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { LeaseRepository } from './leases.js';

for (const backend of await testBackends()) {
  describe(`LeaseRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let leases: LeaseRepository;
    before(async () => {
      db = await backend.create();
      leases = new LeaseRepository({ db: db.handle.db, dialect: db.handle.dialect });
    });
    after(() => db.dispose());

    it('grants a free lease to one owner and refuses others until it expires', async () => {
      const got = await leases.acquire({ name: 'l1', owner: 'a', ttlMs: 1000, now: 10_000 });
      assert.deepEqual(got, { name: 'l1', owner: 'a', expiresAt: 11_000 });
      assert.equal(await leases.acquire({ name: 'l1', owner: 'b', ttlMs: 1000, now: 10_500 }), undefined);
      assert.equal(
        (await leases.acquire({ name: 'l1', owner: 'a', ttlMs: 1000, now: 10_500 }))?.expiresAt,
        11_500,
        'the owner re-acquires',
      );
      const taken = await leases.acquire({ name: 'l1', owner: 'b', ttlMs: 1000, now: 11_500 });
      assert.equal(taken?.owner, 'b', 'an expired lease is taken over');
    });

    it('renews only while held and unexpired; release frees it for others', async () => {
      await leases.acquire({ name: 'l2', owner: 'a', ttlMs: 1000, now: 0 });
      assert.equal(await leases.renew({ name: 'l2', owner: 'a', ttlMs: 1000, now: 500 }), true);
      assert.equal(await leases.renew({ name: 'l2', owner: 'b', ttlMs: 1000, now: 500 }), false);
      assert.equal(
        await leases.renew({ name: 'l2', owner: 'a', ttlMs: 1000, now: 5000 }),
        false,
        'expired leases cannot be renewed',
      );
      await leases.acquire({ name: 'l2', owner: 'a', ttlMs: 1000, now: 6000 });
      await leases.release('l2', 'b');
      assert.equal((await leases.get('l2'))?.owner, 'a', 'only the owner can release');
      await leases.release('l2', 'a');
      assert.equal((await leases.acquire({ name: 'l2', owner: 'b', ttlMs: 1000, now: 6100 }))?.owner, 'b');
    });

    it('under contention exactly one of 20 owners gets a lease', async () => {
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) =>
          leases.acquire({ name: 'l3', owner: `o${i}`, ttlMs: 1000, now: 0 }),
        ),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it("decides expiry by the database clock when the caller gives none, whatever a replica's clock says", async () => {
      const hour = 3_600_000;
      const before = Date.now();
      const own = await leases.acquire({ name: 'l5', owner: 'a', ttlMs: 30_000 });
      assert.ok(own, 'free: taken');
      const after = Date.now();
      assert.ok(
        own.expiresAt >= before + 30_000 - 1000 && own.expiresAt <= after + 30_000 + 1000,
        `${own.expiresAt}`,
      );
      assert.equal(
        await leases.acquire({ name: 'l5', owner: 'b', ttlMs: 30_000 }),
        undefined,
        'live: refused',
      );
      assert.equal(await leases.renew({ name: 'l5', owner: 'a', ttlMs: 30_000 }), true);
      // A replica whose clock runs an hour late took a lease that, by the shared clock, expired long ago: another
      // replica takes it over at once (by its own clock it would still be live for an hour).
      await leases.acquire({ name: 'l6', owner: 'late', ttlMs: 10_000, now: Date.now() - hour });
      assert.equal((await leases.acquire({ name: 'l6', owner: 'b', ttlMs: 10_000 }))?.owner, 'b');
      // ...and cannot renew it by its own clock's say-so once it is expired by the shared one.
      await leases.acquire({ name: 'l7', owner: 'late', ttlMs: 10_000, now: Date.now() - hour });
      assert.equal(await leases.renew({ name: 'l7', owner: 'late', ttlMs: 10_000 }), false);
    });

    it('deletes expired leases', async () => {
      await leases.acquire({ name: 'l4', owner: 'a', ttlMs: 10, now: 0 });
      assert.ok((await leases.deleteExpired(1_000_000)) >= 1);
      assert.equal(await leases.get('l4'), undefined);
    });
  });
}
