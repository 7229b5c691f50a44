import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends, type TestDatabase } from '../test-databases.js';
import { ClusterAgentRepository } from './cluster-agents.js';

const identity = { clusterUid: 'uid-1', tenant: 't', project: 'p', name: 'c1' };

for (const backend of await testBackends()) {
  describe(`ClusterAgentRepository [${backend.name}]`, () => {
    let db: TestDatabase;
    let agents: ClusterAgentRepository;
    before(async () => {
      db = await backend.create();
      agents = new ClusterAgentRepository({ db: db.handle.db, keepRevisions: 3 });
    });
    after(() => db.dispose());

    it('replaces a token hash on rotation and records heartbeats without touching the token', async () => {
      await agents.setToken(identity, 'h1', '2026-01-01T00:00:00Z');
      await agents.touch('uid-1', '2026-01-01T00:00:30Z', '0.1.0');
      await agents.setToken(identity, 'h2', '2026-01-01T00:01:00Z');
      const record = await agents.get('uid-1');
      assert.equal(record?.tokenHash, 'h2');
      assert.equal(record?.tokenIssuedAt, '2026-01-01T00:01:00Z');
      assert.equal(record?.lastSeen, '2026-01-01T00:00:30Z');
      assert.equal(record?.agentVersion, '0.1.0');
      assert.equal(await agents.get('other'), undefined);
    });

    it('publishes a revision only when the content changes, and keeps the newest few', async () => {
      assert.equal(await agents.publish('uid-1', 'a', 'doc-a', 't0'), 1);
      assert.equal(await agents.publish('uid-1', 'a', 'doc-a', 't1'), 1, 'same content, same revision');
      assert.equal(await agents.publish('uid-1', 'b', 'doc-b', 't2'), 2);
      assert.equal(await agents.publish('uid-1', 'a', 'doc-a', 't3'), 3, 'going back is a new revision');
      for (const h of ['c', 'd', 'e']) await agents.publish('uid-1', h, `doc-${h}`, 't4');
      const latest = await agents.latest('uid-1');
      assert.deepEqual([latest?.revision, latest?.contentHash, latest?.document], [6, 'e', 'doc-e']);
      const rows = await db.handle.db.selectFrom('desired_states').select('revision').execute();
      assert.deepEqual(rows.map((r) => Number(r.revision)).sort(), [4, 5, 6]);
    });

    it('concurrent publishers of different content end with distinct, gap-free revisions', async () => {
      const uid = 'uid-concurrent';
      const revisions = await Promise.all(['x', 'y', 'z'].map((h) => agents.publish(uid, h, h, 't')));
      assert.deepEqual([...revisions].sort(), [1, 2, 3]);
    });

    it('forgets a cluster entirely', async () => {
      await agents.remove('uid-1');
      assert.equal(await agents.get('uid-1'), undefined);
      assert.equal(await agents.latest('uid-1'), undefined);
    });
  });
}
