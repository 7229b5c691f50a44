import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { AgentRequestRepository } from './agent-requests.js';

for (const backend of await testBackends()) {
  describe(`AgentRequestRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let clock = 1_000_000;
    // Two replicas on one database: each has its own repository.
    let a: AgentRequestRepository;
    let b: AgentRequestRepository;
    before(async () => {
      db = await backend.create();
      const options = { db: db.handle.db, now: () => clock, reclaimAfterMs: 10_000, expireAfterMs: 60_000 };
      a = new AgentRequestRepository(options);
      b = new AgentRequestRepository(options);
    });
    after(() => db.dispose());

    it('hands a request to one claimant only, and again once a claim went unanswered too long', async () => {
      await a.create({ id: 'r1', clusterUid: 'uid-1', request: 'enc-1' });
      assert.deepEqual([...(await b.waitingClusters())], ['uid-1']);
      assert.equal(await b.claim('uid-2'), undefined, 'another cluster’s agent gets nothing');
      const [first, second] = await Promise.all([a.claim('uid-1'), b.claim('uid-1')]);
      assert.equal([first, second].filter(Boolean).length, 1, 'claimed once');
      assert.equal((first ?? second)?.request, 'enc-1');
      assert.deepEqual([...(await a.waitingClusters())], []);
      clock += 10_001;
      assert.equal((await b.claim('uid-1'))?.id, 'r1', 'a lost delivery is offered again');
    });

    it('records one answer, for the right cluster only', async () => {
      assert.equal(await b.answer('uid-2', 'r1', 'enc-x'), false);
      assert.equal(await b.answer('uid-1', 'r1', 'enc-answer'), true);
      assert.equal(await a.answer('uid-1', 'r1', 'enc-again'), false, 'answered once');
      const row = await a.get('r1');
      assert.equal(row?.answer, 'enc-answer');
      assert.equal(row?.answeredAt, clock);
      assert.equal(await a.claim('uid-1'), undefined, 'an answered request is not offered again');
      await a.remove('r1');
      assert.equal(await a.get('r1'), undefined);
    });

    it('never offers expired requests and deletes them when a new one is made', async () => {
      await a.create({ id: 'old', clusterUid: 'uid-3', request: 'enc' });
      clock += 60_001;
      assert.equal(await b.claim('uid-3'), undefined);
      await b.create({ id: 'new', clusterUid: 'uid-4', request: 'enc' });
      assert.equal(await a.get('old'), undefined);
      await a.removeCluster('uid-4');
      assert.equal(await a.get('new'), undefined);
    });
  });
}
