import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { LeaseRepository, sqliteTestDatabase, type TestDatabase } from '@strata/store';
import { FakeClock } from '@strata/testing';
import { ControllerRunner } from './controller-runner.js';
import { DatabaseKeyLeases } from './key-leases.js';
import { Result } from './result.js';

describe('DatabaseKeyLeases with the runner', () => {
  let db: TestDatabase;
  let repository: LeaseRepository;
  before(async () => {
    db = await sqliteTestDatabase();
    repository = new LeaseRepository({ db: db.handle.db, dialect: db.handle.dialect });
  });
  after(() => db.dispose());

  it('picks up the work of a crashed replica once its lease expires', async () => {
    const clock = new FakeClock(1_000_000);
    // A replica took the lease for key "a" and died without releasing it.
    await repository.acquire({ name: 'widgets/a', owner: 'crashed', ttlMs: 5000, now: clock.now() });
    const reconciled: number[] = [];
    const runner = new ControllerRunner<string>({
      controller: { name: 'widgets', reconcile: async () => (reconciled.push(clock.now()), Result.done()) },
      id: (k) => k,
      clock,
      leases: new DatabaseKeyLeases({ repository, clock, owner: 'survivor' }),
      leaseRetryMs: 1000,
      random: () => 0,
    });
    runner.start();
    runner.enqueue('a');
    for (let t = 0; t < 4; t++) await clock.advance(1000);
    assert.deepEqual(reconciled, [], 'not while the lease is live');
    for (let t = 0; t < 3; t++) await clock.advance(1000);
    assert.equal(reconciled.length, 1);
    assert.ok((reconciled[0] ?? 0) >= 1_005_000);
    assert.equal(await repository.get('widgets/a'), undefined, 'released after the reconcile');
    await runner.stop();
  });

  it('gives each owner its own identity', () => {
    const a = new DatabaseKeyLeases({ repository, clock: new FakeClock() });
    const b = new DatabaseKeyLeases({ repository, clock: new FakeClock() });
    assert.notEqual(a.owner, b.owner);
    assert.match(a.owner, new RegExp(`:${process.pid}:`));
  });
});
