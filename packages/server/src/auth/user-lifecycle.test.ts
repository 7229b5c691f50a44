/**
 * User lifecycle and tenant onboarding: disabling a user takes its keys, sessions, bindings and team memberships in
 * one audited transaction; a user made again under an old name starts with nothing; admins list a user's keys; keys
 * expire by tenant policy; a new tenant names its first administrator, who sets a password once and then reads the
 * tenant's own audit entries; system admins list every tenant's admins.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

const PASSWORD = 'correct horse battery';

for (const backend of await testBackends()) {
  describe(`user lifecycle and tenant onboarding on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());

    const whoami = (key: string) => s.call({ method: 'GET', url: '/v1/whoami', key });
    const keysOf = async (user: string) =>
      (
        await expectOk(
          s.call({
            method: 'GET',
            url: `/v1/apikeys?labelSelector=${encodeURIComponent(`strata.dev/user=${user}`)}`,
          }),
        )
      ).body.items!.map((k) => (k.metadata as { name: string }).name);

    it('disabling a user revokes its keys and sessions and removes its access in one audited write', async () => {
      const key = await createUserWithRole(s, { user: 'carol', role: 'tenant-admin' });
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/teams',
          body: { metadata: { name: 'ops' }, spec: { members: ['carol'] } },
        }),
      );
      const session = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/login',
          key: null,
          body: { username: 'carol', password: PASSWORD },
        }),
      );
      assert.deepEqual((await keysOf('carol')).length, 2);
      const disabled = await s.call({
        method: 'PATCH',
        url: '/v1/users/carol',
        contentType: 'application/merge-patch+json',
        body: { spec: { disabled: true } },
      });
      assert.equal(disabled.status, 200, disabled.text);
      assert.equal((await whoami(key)).status, 401);
      assert.equal((await whoami(session.body.token as string)).status, 401);
      assert.deepEqual(await keysOf('carol'), []);
      assert.equal((await s.call({ method: 'GET', url: '/v1/rolebindings/carol-tenant-admin' })).status, 404);
      const team = await expectOk(s.call({ method: 'GET', url: '/v1/teams/ops' }));
      assert.deepEqual((team.body.spec as { members: string[] }).members, []);
      // Audited: the key deletions and the binding's removal are entries of the same request as the disable.
      const audit = (await expectOk(s.call({ method: 'GET', url: '/v1/auditentries?limit=1000' }))).body
        .items!;
      const byRequest = (requestId: unknown) =>
        audit
          .filter((e) => (e.spec as { requestId?: string }).requestId === requestId)
          .map((e) => {
            const spec = e.spec as { verb: string; object: { kind: string } };
            return `${spec.verb} ${spec.object.kind}`;
          });
      const disableEntry = audit.find((e) => {
        const spec = e.spec as { verb: string; object: { kind: string; name: string } };
        return spec.verb === 'update' && spec.object.kind === 'User' && spec.object.name === 'carol';
      });
      assert.ok(disableEntry);
      const together = byRequest((disableEntry.spec as { requestId?: string }).requestId);
      assert.ok(
        together.includes('delete ApiKey') &&
          together.includes('delete RoleBinding') &&
          together.includes('update Team'),
        together.join(', '),
      );
      // Enabling again gives nothing back.
      await expectOk(
        s.call({
          method: 'PATCH',
          url: '/v1/users/carol',
          contentType: 'application/merge-patch+json',
          body: { spec: { disabled: false } },
        }),
      );
      const fresh = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/apikeys',
          body: { metadata: { name: 'carol-2' }, spec: { user: 'carol' } },
        }),
      );
      const me = await expectOk(whoami(fresh.body.key as string));
      assert.deepEqual(me.body.tenantPermissions, []);
    });

    it('a user deleted and made again under the same name starts with nothing', async () => {
      await createUserWithRole(s, { user: 'dave', role: 'project-editor', project: 'default' });
      await expectOk(s.call({ method: 'DELETE', url: '/v1/users/dave' }));
      assert.deepEqual(await keysOf('dave'), []);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/users',
          body: { metadata: { name: 'dave' }, spec: { password: PASSWORD } },
        }),
      );
      const key = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/apikeys',
          body: { metadata: { name: 'dave-new' }, spec: { user: 'dave' } },
        }),
      );
      const me = await expectOk(whoami(key.body.key as string));
      assert.deepEqual(me.body.projects, {});
      assert.deepEqual(await keysOf('dave'), ['dave-new']);
    });

    it('API keys expire by the tenant policy', async () => {
      await expectOk(
        s.call({
          method: 'PATCH',
          url: '/v1/tenants/default',
          contentType: 'application/merge-patch+json',
          body: { spec: { policy: { apiKeyMaxLifetimeDays: 30 } } },
        }),
      );
      try {
        await expectOk(
          s.call({ method: 'POST', url: '/v1/users', body: { metadata: { name: 'erin' }, spec: {} } }),
        );
        const made = await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/apikeys',
            body: { metadata: { name: 'erin-k' }, spec: { user: 'erin' } },
          }),
        );
        const expires = Date.parse((made.body.spec as { expiresAt: string }).expiresAt);
        assert.ok(Math.abs(expires - (Date.now() + 30 * 86_400_000)) < 60_000);
        const tooLong = await s.call({
          method: 'POST',
          url: '/v1/apikeys',
          body: {
            metadata: { name: 'erin-long' },
            spec: { user: 'erin', expiresAt: new Date(Date.now() + 90 * 86_400_000).toISOString() },
          },
        });
        assert.equal(tooLong.status, 422);
        assert.match(tooLong.text, /at most 30 days/);
        assert.equal((await s.call({ method: 'GET', url: '/v1/apikeys/erin-long' })).status, 404);
      } finally {
        await expectOk(
          s.call({
            method: 'PATCH',
            url: '/v1/tenants/default',
            contentType: 'application/merge-patch+json',
            body: { spec: { policy: null } },
          }),
        );
      }
    });

    it("a new tenant names its first admin, who sets a password once and reads the tenant's audit", async () => {
      const created = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/tenants',
          body: { metadata: { name: 'acme' }, spec: { admin: { user: 'root', email: 'root@acme.example' } } },
        }),
      );
      const token = created.body.adminPasswordToken as string;
      assert.match(token, /^acme\./);
      const read = await expectOk(s.call({ method: 'GET', url: '/v1/tenants/acme' }));
      assert.equal(read.body.adminPasswordToken, undefined);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/password-set', key: null, body: { token, password: PASSWORD } }),
      );
      const reuse = await s.call({
        method: 'POST',
        url: '/v1/password-set',
        key: null,
        body: { token, password: 'another password' },
      });
      assert.equal(reuse.status, 401);
      const login = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/login',
          key: null,
          body: { tenant: 'acme', username: 'root', password: PASSWORD },
        }),
      );
      const rootKey = login.body.token as string;
      const me = await expectOk(whoami(rootKey));
      assert.deepEqual(me.body.tenantPermissions, ['*.*']);
      // The tenant admin reads its own tenant's audit entries, and only those.
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects',
          key: rootKey,
          body: { metadata: { name: 'web' }, spec: {} },
        }),
      );
      const audit = await expectOk(
        s.call({ method: 'GET', url: '/v1/auditentries?limit=1000', key: rootKey }),
      );
      const entries = audit.body.items!.map(
        (e) => e.spec as { actor: string; verb: string; object: { kind: string; name: string } },
      );
      assert.ok(
        entries.some((e) => e.object.kind === 'Project' && e.object.name === 'web' && e.actor === 'root'),
      );
      assert.ok(
        entries.some(
          (e) => e.object.kind === 'User' && e.object.name === 'root' && e.actor === 'system:onboarding',
        ),
      );
      assert.ok(!entries.some((e) => e.object.name === 'carol'), "another tenant's entries are not shown");
      // System admins list each tenant's admins; a tenant admin cannot.
      const admins = await expectOk(s.call({ method: 'GET', url: '/v1/tenants/acme/admins' }));
      assert.deepEqual(admins.body.items, [{ user: 'root', via: 'team:admins' }]);
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/tenants/acme/admins', key: rootKey })).status,
        403,
      );
      // What happened to the Tenant object itself is for system admins.
      const tenantLog = await expectOk(s.call({ method: 'GET', url: '/v1/tenants/acme/auditentries' }));
      const verbs = tenantLog.body.items!.map((e) => (e.spec as { verb: string }).verb);
      assert.deepEqual(verbs, ['create']);
      const denied = await s.call({ method: 'GET', url: '/v1/tenants/acme/auditentries', key: rootKey });
      assert.equal(denied.status, 403);
    });

    it('a tenant can name its first admin by IdP subject: linked, no password token', async () => {
      const created = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/tenants',
          body: {
            metadata: { name: 'umbrella' },
            spec: { admin: { user: 'alice', sso: { provider: 'corp', subject: 'u-alice' } } },
          },
        }),
      );
      assert.equal(created.body.adminPasswordToken, undefined);
      const admins = await expectOk(s.call({ method: 'GET', url: '/v1/tenants/umbrella/admins' }));
      assert.deepEqual(admins.body.items, [{ user: 'alice', via: 'team:admins' }]);
      const alice = await s.store.get(
        { tenant: 'umbrella', projects: '*' },
        { kind: 'User', tenant: 'umbrella', project: '', name: 'alice' },
      );
      assert.deepEqual(alice?.spec.sso, { provider: 'corp', subject: 'u-alice' });
      assert.equal(alice?.spec.password, undefined);
    });

    it('a tenant can name an IdP group as its administrators instead', async () => {
      const created = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/tenants',
          body: { metadata: { name: 'globex' }, spec: { admin: { group: 'globex-admins' } } },
        }),
      );
      assert.equal(created.body.adminPasswordToken, undefined);
      assert.deepEqual(
        (await expectOk(s.call({ method: 'GET', url: '/v1/tenants/globex/admins' }))).body.items,
        [],
      );
    });
  });
}
