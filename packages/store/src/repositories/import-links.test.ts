import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openDatabase, type DatabaseHandle } from '../db.js';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { ImportLinkRepository } from './import-links.js';

const cluster = { clusterUid: 'uid-1', tenant: 't', project: 'p', name: 'edge' };
const HOUR = 3_600_000;

for (const backend of await testBackends()) {
  describe(`ImportLinkRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let now: Date;
    let links: ImportLinkRepository;
    before(async () => {
      db = await backend.create();
      now = new Date('2026-01-01T00:00:00.000Z');
      links = new ImportLinkRepository({ db: db.handle.db, now: () => now });
    });
    after(() => db.dispose());
    const advance = (ms: number) => (now = new Date(now.getTime() + ms));

    it('stores the hash, who made the link and when it expires; the token is not stored', async () => {
      const link = await links.create({ ...cluster, tokenHash: 'h-create', createdBy: 'admin', ttlMs: HOUR });
      assert.deepEqual(link, {
        ...cluster,
        tokenHash: 'h-create',
        createdBy: 'admin',
        createdAt: '2026-01-01T00:00:00.000Z',
        expiresAt: '2026-01-01T01:00:00.000Z',
      });
      assert.deepEqual(await links.get('h-create'), link);
      assert.equal(await links.get('other'), undefined);
    });

    it('a link is used once; afterwards it says when it was used', async () => {
      await links.create({ ...cluster, tokenHash: 'h-once', createdBy: 'admin', ttlMs: HOUR });
      advance(1000);
      const first = await links.consume('h-once');
      assert.equal(first.outcome, 'consumed');
      advance(1000);
      const second = await links.consume('h-once');
      assert.equal(second.outcome, 'used');
      assert.equal(second.outcome === 'used' && second.link.usedAt, '2026-01-01T00:00:01.000Z');
      assert.deepEqual(await links.consume('never-made'), { outcome: 'unknown' });
    });

    it('an expired link is refused as expired, unused', async () => {
      await links.create({ ...cluster, tokenHash: 'h-expire', createdBy: 'admin', ttlMs: 60_000 });
      advance(60_000);
      const use = await links.consume('h-expire');
      assert.equal(use.outcome, 'expired');
      assert.equal(use.outcome === 'expired' && use.link.usedAt, undefined);
    });

    it('release gives back only the use it names', async () => {
      await links.create({ ...cluster, tokenHash: 'h-release', createdBy: 'admin', ttlMs: HOUR });
      const use = await links.consume('h-release');
      assert.equal(use.outcome, 'consumed');
      await links.release('h-release', 'some other time');
      assert.equal((await links.consume('h-release')).outcome, 'used');
      await links.release('h-release', use.outcome === 'consumed' ? use.link.usedAt! : '');
      assert.equal((await links.consume('h-release')).outcome, 'consumed');
    });

    it('two connections using one link at once: exactly one gets it', async () => {
      const second: DatabaseHandle = await openDatabase({ url: db.url, migrate: false });
      try {
        const other = new ImportLinkRepository({ db: second.db, now: () => now });
        for (let round = 0; round < 10; round++) {
          const hash = `h-race-${round}`;
          await links.create({ ...cluster, tokenHash: hash, createdBy: 'admin', ttlMs: HOUR });
          const uses = await Promise.all([
            links.consume(hash),
            other.consume(hash),
            links.consume(hash),
            other.consume(hash),
          ]);
          const outcomes = uses.map((u) => u.outcome).sort();
          assert.deepEqual(outcomes, ['consumed', 'used', 'used', 'used'], `round ${round}`);
        }
      } finally {
        await second.close();
      }
    });

    it('making a link prunes links expired more than a week ago; remove deletes one link', async () => {
      await links.create({ ...cluster, tokenHash: 'h-old', createdBy: 'admin', ttlMs: 60_000 });
      advance(8 * 24 * HOUR);
      await links.create({
        ...cluster,
        clusterUid: 'uid-2',
        tokenHash: 'h-new',
        createdBy: 'a',
        ttlMs: HOUR,
      });
      assert.equal(await links.get('h-old'), undefined);
      assert.ok(await links.get('h-new'));
      await links.remove('h-new');
      assert.equal(await links.get('h-new'), undefined);
    });
  });
}
