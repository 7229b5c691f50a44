import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { expectOk, startTestServer, type TestServer } from '../test/harness.js';
import { AuditRetention } from './audit-retention.js';

const DAY = 86_400_000;

for (const backend of await testBackends()) {
  describe(`audit retention on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/tenants', body: { metadata: { name: 'keep-all' }, spec: {} } }),
      );
      await expectOk(
        s.call({
          method: 'PATCH',
          url: '/v1/tenants/default',
          contentType: 'application/merge-patch+json',
          body: { spec: { policy: { auditRetentionDays: 30 } } },
        }),
      );
    });
    after(async () => s?.close());

    const entries = async (tenant: string) =>
      (await s.store.list({ tenant, projects: '*' }, { kind: 'AuditEntry', limit: 1000 })).items.map(
        (e) =>
          e.spec as { verb: string; actor: string; object: { kind: string; name: string }; detail?: string },
      );

    it('keeps entries younger than the policy', async () => {
      const before = (await entries('default')).length;
      const result = await new AuditRetention({ store: s.store, now: () => Date.now() + 10 * DAY }).runOnce();
      assert.deepEqual(result, [{ tenant: 'default', removed: 0 }]);
      assert.equal((await entries('default')).length, before);
    });

    it('removes older entries of tenants with a policy, and audits the removal', async () => {
      const before = (await entries('default')).length;
      const keepAll = (await entries('keep-all')).length;
      assert.ok(before > 5 && keepAll > 0);
      const result = await new AuditRetention({ store: s.store, now: () => Date.now() + 31 * DAY }).runOnce();
      assert.deepEqual(result, [{ tenant: 'default', removed: before }]);
      const left = await entries('default');
      assert.equal(left.length, 1);
      assert.equal(left[0]!.verb, 'prune');
      assert.equal(left[0]!.actor, 'system:audit-retention');
      assert.match(left[0]!.detail ?? '', new RegExp(`^${before} audit entries older than`));
      // A tenant without a policy keeps everything.
      assert.equal((await entries('keep-all')).length, keepAll);
      // Pruning records are pruned like any entry once they are old in turn.
      const again = await new AuditRetention({ store: s.store, now: () => Date.now() + 62 * DAY }).runOnce();
      assert.deepEqual(again, [{ tenant: 'default', removed: 1 }]);
    });
  });
}
