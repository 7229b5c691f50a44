import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  KyselyResourceRepository,
  sqliteTestDatabase,
  type ObjectKey,
  type TestDatabase,
} from '@strata/store';
import { FakeClock } from '@strata/testing';
import { ChangeFeed } from './change-feed.js';

const actor = { name: 'test' };
const scope = (tenant: string) => ({ tenant, projects: '*' as const });

describe('ChangeFeed', () => {
  let db: TestDatabase;
  let repo: KyselyResourceRepository;
  before(async () => {
    db = await sqliteTestDatabase();
    repo = new KyselyResourceRepository({ db: db.handle.db, retention: { window: 10, pruneEvery: 5 } });
  });
  after(() => db.dispose());

  it('delivers every object at start, then changes of its kinds in every tenant, then resyncs', async () => {
    await repo.create(
      scope('t1'),
      { key: { kind: 'Widget', tenant: 't1', project: 'p', name: 'one' }, spec: {} },
      actor,
    );
    const clock = new FakeClock(0);
    const keys: ObjectKey[] = [];
    const feed = new ChangeFeed({
      reader: repo,
      kinds: ['Widget', 'Pack'],
      clock,
      onKey: (k) => keys.push(k),
      pollIntervalMs: 1000,
      resyncIntervalMs: 60_000,
    });
    await feed.start();
    assert.deepEqual(keys, [{ kind: 'Widget', tenant: 't1', project: 'p', name: 'one' }]);

    keys.length = 0;
    await repo.create(
      scope('t2'),
      { key: { kind: 'Widget', tenant: 't2', project: '', name: 'two' }, spec: {} },
      actor,
    );
    await repo.create(
      scope('t2'),
      { key: { kind: 'Gadget', tenant: 't2', project: '', name: 'ignored' }, spec: {} },
      actor,
    );
    await repo.create(
      scope('t2'),
      {
        key: { kind: 'Pack', tenant: 't2', project: '', name: 'cni', version: '1.2.0' },
        spec: { version: '1.2.0' },
      },
      actor,
    );
    await clock.advance(999);
    assert.equal(keys.length, 0, 'nothing before the poll interval');
    await clock.advance(1);
    assert.deepEqual(keys, [
      { kind: 'Widget', tenant: 't2', project: '', name: 'two' },
      { kind: 'Pack', tenant: 't2', project: '', name: 'cni', version: '1.2.0' },
    ]);
    assert.equal(feed.resourceVersion, await repo.currentResourceVersion());

    keys.length = 0;
    await clock.advance(59_000);
    assert.equal(keys.length, 3, 'the periodic resync enqueues everything again');
    await feed.stop();
  });

  it('applies the filter to changes (not to scans)', async () => {
    const clock = new FakeClock(0);
    const keys: ObjectKey[] = [];
    const feed = new ChangeFeed({
      reader: repo,
      kinds: ['Widget'],
      clock,
      onKey: (k) => keys.push(k),
      filter: (e) =>
        e.type !== 'MODIFIED' || e.object.status.observedGeneration !== e.object.metadata.generation,
    });
    await feed.start();
    keys.length = 0;
    const k = { kind: 'Widget', tenant: 't1', project: 'p', name: 'one' };
    await repo.updateStatus(scope('t1'), { key: k, status: { observedGeneration: 1 } });
    await clock.advance(1000);
    assert.deepEqual(keys, [], 'a status write that catches up with generation does not wake the controller');
    await repo.update(scope('t1'), { key: k, spec: { changed: true } }, actor);
    await clock.advance(1000);
    assert.deepEqual(keys, [k]);
    await feed.stop();
  });

  it('scans again when its position fell out of the change window (STRATA_GONE)', async () => {
    const clock = new FakeClock(0);
    const keys: ObjectKey[] = [];
    const feed = new ChangeFeed({
      reader: repo,
      kinds: ['Widget'],
      clock,
      onKey: (k) => keys.push(k),
      pollIntervalMs: 1000,
    });
    await feed.start();
    keys.length = 0;
    const k = { kind: 'Widget', tenant: 't3', project: 'p', name: 'busy' };
    await repo.create(scope('t3'), { key: k, spec: { n: 0 } }, actor);
    for (let n = 1; n < 30; n++) await repo.update(scope('t3'), { key: k, spec: { n } }, actor);
    await clock.advance(1000);
    assert.ok(keys.some((x) => x.name === 'busy'));
    assert.ok(
      keys.some((x) => x.name === 'one'),
      'a full scan happened',
    );
    await feed.stop();
  });
});
