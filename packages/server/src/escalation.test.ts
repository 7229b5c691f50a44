import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteTestDatabase } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from './test/harness.js';

/** Findings of the security review, kept as regression tests. */
describe('privilege escalation and other abuse', () => {
  let s: TestServer;
  let tenantAdmin: string;
  let projectAdmin: string;
  let viewer: string;
  before(async () => {
    s = await startTestServer({ name: 'sqlite', create: sqliteTestDatabase });
    tenantAdmin = await createUserWithRole(s, { user: 'bob', role: 'tenant-admin' });
    projectAdmin = await createUserWithRole(s, { user: 'pam', role: 'project-admin', project: 'default' });
    viewer = await createUserWithRole(s, { user: 'carol', role: 'project-viewer', project: 'default' });
  });
  after(async () => s?.close());

  it('a tenant admin cannot bind system-admin to itself, define a role with tenant.*, or act for the system admin', async () => {
    const bind = await s.call({
      method: 'POST',
      url: '/v1/rolebindings',
      key: tenantAdmin,
      body: {
        metadata: { name: 'up' },
        spec: { role: 'system-admin', subjects: [{ kind: 'User', name: 'bob' }] },
      },
    });
    assert.equal(bind.status, 403, bind.text);
    assert.match(String(bind.body.detail), /tenant\.\*/);
    const role = await s.call({
      method: 'POST',
      url: '/v1/roles',
      key: tenantAdmin,
      body: { metadata: { name: 'god' }, spec: { permissions: ['tenant.*'] } },
    });
    assert.equal(role.status, 403);
    const key = await s.call({
      method: 'POST',
      url: '/v1/apikeys',
      key: tenantAdmin,
      body: { metadata: { name: 'steal' }, spec: { user: 'admin' } },
    });
    assert.equal(key.status, 403);
    const password = await s.call({
      method: 'PUT',
      url: '/v1/users/admin',
      key: tenantAdmin,
      body: { metadata: { name: 'admin' }, spec: { password: 'taken over now' } },
    });
    assert.equal(password.status, 403);
    assert.equal(
      (
        await s.call({
          method: 'POST',
          url: '/v1/tenants',
          key: tenantAdmin,
          body: { metadata: { name: 't2' }, spec: {} },
        })
      ).status,
      403,
    );
  });

  it('a project admin grants within its project only what it holds', async () => {
    const ok = await s.call({
      method: 'POST',
      url: '/v1/projects/default/rolebindings',
      key: projectAdmin,
      body: {
        metadata: { name: 'carol-edit' },
        spec: { role: 'project-editor', subjects: [{ kind: 'User', name: 'carol' }] },
      },
    });
    assert.equal(ok.status, 201, ok.text);
    const tenantWide = await s.call({
      method: 'POST',
      url: '/v1/rolebindings',
      key: projectAdmin,
      body: {
        metadata: { name: 'pam-all' },
        spec: { role: 'tenant-admin', subjects: [{ kind: 'User', name: 'pam' }] },
      },
    });
    assert.equal(tenantWide.status, 403);
  });

  it('a merge patch cannot smuggle fields through __proto__ (revoked keys stay revoked)', async () => {
    const made = await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/apikeys',
        key: viewer,
        body: { metadata: { name: 'carol-k1' }, spec: {} },
      }),
    );
    const carolKey = made.body.key as string;
    await expectOk(
      s.call({
        method: 'PATCH',
        url: '/v1/apikeys/carol-k1',
        contentType: 'application/merge-patch+json',
        body: { spec: { revoked: true } },
      }),
    );
    const attack = await s.call({
      method: 'PATCH',
      url: '/v1/apikeys/carol-k1',
      key: viewer,
      contentType: 'application/merge-patch+json',
      payload: '{"spec":{"revoked":null,"__proto__":{"revoked":true}}}',
    });
    assert.equal(attack.status, 400, attack.text);
    assert.equal((await s.call({ method: 'GET', url: '/v1/whoami', key: carolKey })).status, 401);
  });

  it('an API key’s expiry can be brought forward but never removed or extended', async () => {
    const soon = new Date(Date.now() + 3600_000).toISOString();
    await expectOk(
      s.call({
        method: 'POST',
        url: '/v1/apikeys',
        key: viewer,
        body: { metadata: { name: 'carol-k2' }, spec: { expiresAt: soon } },
      }),
    );
    const remove = await s.call({
      method: 'PATCH',
      url: '/v1/apikeys/carol-k2',
      key: viewer,
      contentType: 'application/merge-patch+json',
      body: { spec: { expiresAt: null } },
    });
    assert.equal(remove.status, 422);
    const later = new Date(Date.now() + 7200_000).toISOString();
    const extend = await s.call({
      method: 'PATCH',
      url: '/v1/apikeys/carol-k2',
      key: viewer,
      contentType: 'application/merge-patch+json',
      body: { spec: { expiresAt: later } },
    });
    assert.equal(extend.status, 422);
    const sooner = new Date(Date.now() + 600_000).toISOString();
    const shorten = await s.call({
      method: 'PATCH',
      url: '/v1/apikeys/carol-k2',
      key: viewer,
      contentType: 'application/merge-patch+json',
      body: { spec: { expiresAt: sooner } },
    });
    assert.equal(shorten.status, 200, shorten.text);
  });

  it('project users cannot read tenant-wide role bindings or audit entries', async () => {
    assert.equal((await s.call({ method: 'GET', url: '/v1/rolebindings', key: viewer })).status, 403);
    assert.equal((await s.call({ method: 'GET', url: '/v1/auditentries', key: viewer })).status, 403);
    assert.equal(
      (await s.call({ method: 'GET', url: '/v1/projects/default/auditentries', key: viewer })).status,
      200,
    );
  });

  it('sign-in: the same answer for unknown users, and a limit on guessing', async () => {
    for (let i = 0; i < 10; i++) {
      const res = await s.call({
        method: 'POST',
        url: '/v1/login',
        key: null,
        body: { username: 'ghost', password: `guess-${i}` },
      });
      assert.equal(res.status, 401);
    }
    const limited = await s.call({
      method: 'POST',
      url: '/v1/login',
      key: null,
      body: { username: 'ghost', password: 'again' },
    });
    assert.equal(limited.status, 429);
    assert.equal(limited.body.code, 'STRATA_RATE_LIMITED');
  });

  it('oversized label selectors and malformed YAML are clean 4xx without echoing the body', async () => {
    const selector = Array.from({ length: 100 }, (_, i) => `k${i}=v`).join(',');
    const res = await s.call({
      method: 'GET',
      url: `/v1/projects/default/macros?labelSelector=${encodeURIComponent(selector)}`,
    });
    assert.equal(res.status, 400);
    const yaml = await s.call({
      method: 'POST',
      url: '/v1/projects/default/cloudaccounts',
      contentType: 'application/yaml',
      payload: 'metadata: {name: x}\nspec: {credentials: {secretKey: SUPERSECRET-123\n',
    });
    assert.equal(yaml.status, 400);
    assert.doesNotMatch(yaml.text, /SUPERSECRET/);
  });
});
