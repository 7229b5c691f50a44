import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { keyOwner } from './auth/key-owner.js';
import { resolveSubjects } from './auth/identity-refs.js';
import { formatToken, hashSecret, newSecret } from './auth/tokens.js';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from './test/harness.js';

const PASSWORD = 'correct horse battery';

/** A tenant admin with an API key in another tenant (the API only acts inside the caller's tenant). */
async function seedTenantAdmin(s: TestServer, tenant: string, user: string): Promise<string> {
  const scope = { tenant, projects: '*' as const };
  const actor = { name: 'test' };
  const at = (kind: string, name: string) => ({ kind, tenant, project: '', name });
  await s.store.create(scope, { key: at('User', user), spec: { password: 'unused-hash' } }, actor);
  const subjects = await resolveSubjects(s.store, tenant, [{ kind: 'User', name: user }]);
  await s.store.create(
    scope,
    { key: at('RoleBinding', user), spec: { role: 'tenant-admin', subjects } },
    actor,
  );
  const secret = newSecret();
  const status = { keyHash: hashSecret(secret), ...(await keyOwner(s.store, tenant, user)) };
  await s.store.create(scope, { key: at('ApiKey', `${user}-key`), spec: { user }, status }, actor);
  return formatToken(tenant, `${user}-key`, secret);
}

for (const backend of await testBackends()) {
  describe(`identities are UIDs, not names, on ${backend.name}`, () => {
    let s: TestServer;
    let tenantAdmin: string;
    before(async () => {
      s = await startTestServer(backend);
      tenantAdmin = await createUserWithRole(s, { user: 'bob', role: 'tenant-admin' });
    });
    after(async () => s?.close());

    const whoami = (key: string) => s.call({ method: 'GET', url: '/v1/whoami', key });

    it('finding 2: a tenant admin cannot delete the system admin and take its name', async () => {
      const del = await s.call({ method: 'DELETE', url: '/v1/users/admin', key: tenantAdmin });
      assert.equal(del.status, 403, del.text);
      assert.match(String(del.body.detail), /tenant\.\*/);
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/users/admin' })).status,
        200,
        'admin is still there',
      );
    });

    it('finding 2: a user deleted and made again under its name gets none of its bindings, teams or keys', async () => {
      const key = await createUserWithRole(s, { user: 'dora', role: 'tenant-admin' });
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/rolebindings',
          body: {
            metadata: { name: 'dora-and-bob' },
            spec: {
              role: 'project-viewer',
              subjects: [
                { kind: 'User', name: 'dora' },
                { kind: 'User', name: 'bob' },
              ],
            },
          },
        }),
      );
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/teams',
          body: { metadata: { name: 'dora-team' }, spec: { members: ['dora', 'bob'] } },
        }),
      );
      const dora = await expectOk(s.call({ method: 'GET', url: '/v1/users/dora' }));
      const binding = await expectOk(s.call({ method: 'GET', url: '/v1/rolebindings/dora-tenant-admin' }));
      assert.deepEqual(binding.body.spec, {
        role: 'tenant-admin',
        subjects: [{ kind: 'User', name: 'dora', uid: (dora.body.metadata as { uid: string }).uid }],
      });
      // bob (a tenant admin) covers everything dora holds, so it may delete her.
      await expectOk(s.call({ method: 'DELETE', url: '/v1/users/dora', key: tenantAdmin }));
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/users',
          key: tenantAdmin,
          body: { metadata: { name: 'dora' }, spec: { password: PASSWORD } },
        }),
      );
      assert.equal((await whoami(key)).status, 401, "the old user's key does not come back");
      const login = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/login',
          key: null,
          body: { username: 'dora', password: PASSWORD },
        }),
      );
      const fresh = await expectOk(whoami(String(login.body.token)));
      assert.deepEqual(fresh.body.tenantPermissions, [], 'the new dora starts with nothing');
      assert.deepEqual(fresh.body.projects, {});
      assert.equal((await s.call({ method: 'GET', url: '/v1/rolebindings/dora-tenant-admin' })).status, 404);
      const shared = await expectOk(s.call({ method: 'GET', url: '/v1/rolebindings/dora-and-bob' }));
      assert.deepEqual(
        (shared.body.spec as { subjects: { name: string }[] }).subjects.map((x) => x.name),
        ['bob'],
      );
      const team = await expectOk(s.call({ method: 'GET', url: '/v1/teams/dora-team' }));
      assert.deepEqual((team.body.spec as { members: string[] }).members, ['bob']);
      const keys = await expectOk(s.call({ method: 'GET', url: '/v1/apikeys' }));
      const doraKeys = keys.body.items!.filter((k) => (k.spec as { user: string }).user === 'dora');
      assert.deepEqual(
        doraKeys.map((k) => (k.metadata as { name: string }).name).filter((n) => !n.startsWith('session-')),
        [],
      );
    });

    it('finding 2: a binding names existing subjects only; a stale uid is refused', async () => {
      const ghost = await s.call({
        method: 'POST',
        url: '/v1/rolebindings',
        body: {
          metadata: { name: 'ghost' },
          spec: { role: 'project-viewer', subjects: [{ kind: 'User', name: 'nobody' }] },
        },
      });
      assert.equal(ghost.status, 422, ghost.text);
      assert.match(ghost.text, /User \\?"nobody\\?" does not exist/);
      const stale = await s.call({
        method: 'POST',
        url: '/v1/rolebindings',
        body: {
          metadata: { name: 'stale' },
          spec: {
            role: 'project-viewer',
            subjects: [{ kind: 'User', name: 'bob', uid: '00000000-0000-0000-0000-000000000000' }],
          },
        },
      });
      assert.equal(stale.status, 422, stale.text);
      assert.equal((await s.call({ method: 'GET', url: '/v1/rolebindings/stale' })).status, 404);
    });

    it('finding 3: a role with team.* cannot join a team bound to tenant-admin', async () => {
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/roles',
          body: { metadata: { name: 'team-manager' }, spec: { permissions: ['team.*', 'user.get'] } },
        }),
      );
      const manager = await createUserWithRole(s, { user: 'tim', role: 'team-manager' });
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/teams',
          body: { metadata: { name: 'admins' }, spec: { members: ['bob'] } },
        }),
      );
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/rolebindings',
          body: {
            metadata: { name: 'admins' },
            spec: { role: 'tenant-admin', subjects: [{ kind: 'Team', name: 'admins' }] },
          },
        }),
      );
      const join = await s.call({
        method: 'PUT',
        url: '/v1/teams/admins',
        key: manager,
        body: { metadata: { name: 'admins' }, spec: { members: ['bob', 'tim'] } },
      });
      assert.equal(join.status, 403, join.text);
      assert.match(String(join.body.detail), /tenant-admin/);
      const patch = await s.call({
        method: 'PATCH',
        url: '/v1/teams/admins',
        key: manager,
        contentType: 'application/merge-patch+json',
        body: { spec: { members: ['tim'] } },
      });
      assert.equal(patch.status, 403, patch.text);
      const team = await expectOk(s.call({ method: 'GET', url: '/v1/teams/admins' }));
      assert.deepEqual((team.body.spec as { members: string[] }).members, ['bob']);
      assert.deepEqual((await expectOk(whoami(manager))).body.tenantPermissions, ['team.*', 'user.get']);
      // A team that grants nothing the manager lacks is its to change.
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/teams',
          key: manager,
          body: { metadata: { name: 'free' }, spec: { members: [] } },
        }),
      );
      await expectOk(
        s.call({
          method: 'PUT',
          url: '/v1/teams/free',
          key: manager,
          body: { metadata: { name: 'free' }, spec: { members: ['tim'] } },
        }),
      );
      // Team membership follows the UID: the tenant-admin team grants its members what its binding says.
      await expectOk(
        s.call({
          method: 'PUT',
          url: '/v1/teams/admins',
          body: { metadata: { name: 'admins' }, spec: { members: ['bob', 'tim'] } },
        }),
      );
      assert.ok(((await expectOk(whoami(manager))).body.tenantPermissions as string[]).includes('*.*'));
    });

    it('finding 4: a tenant with projects cannot be deleted; an empty one takes every credential with it and its name comes back fresh', async () => {
      await expectOk(
        s.call({ method: 'POST', url: '/v1/tenants', body: { metadata: { name: 'acme' }, spec: {} } }),
      );
      const acmeAdmin = await seedTenantAdmin(s, 'acme', 'ann');
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects',
          key: acmeAdmin,
          body: { metadata: { name: 'p' }, spec: {} },
        }),
      );
      const refused = await s.call({ method: 'DELETE', url: '/v1/tenants/acme' });
      assert.equal(refused.status, 409, refused.text);
      assert.equal(refused.body.code, 'STRATA_IN_USE');
      assert.match(String(refused.body.detail), /project "p"/);
      assert.equal((await whoami(acmeAdmin)).status, 200, 'a refused delete changes nothing');
      // What was in the project leaves audit entries there: they do not hold the tenant back.
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects/p/macros',
          key: acmeAdmin,
          body: { metadata: { name: 'm' }, spec: { value: 'v' } },
        }),
      );
      await expectOk(s.call({ method: 'DELETE', url: '/v1/projects/p/macros/m', key: acmeAdmin }));
      await expectOk(s.call({ method: 'DELETE', url: '/v1/projects/p', key: acmeAdmin }));
      await expectOk(s.call({ method: 'DELETE', url: '/v1/tenants/acme' }));
      assert.equal((await whoami(acmeAdmin)).status, 401, "the deleted tenant's key is revoked at once");
      const write = await s.call({
        method: 'POST',
        url: '/v1/projects',
        key: acmeAdmin,
        body: { metadata: { name: 'q' }, spec: {} },
      });
      assert.equal(write.status, 401);
      const everything = await s.store.list({ tenant: 'acme', projects: '*' }, { kind: 'User' });
      assert.deepEqual(everything.items, []);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/tenants', body: { metadata: { name: 'acme' }, spec: {} } }),
      );
      assert.equal((await whoami(acmeAdmin)).status, 401, 'the re-created tenant is a new one');
      const users = await s.store.list({ tenant: 'acme', projects: '*' }, { kind: 'User' });
      assert.deepEqual(users.items, [], 'no old user comes back');
      const roles = await s.store.list({ tenant: 'acme', projects: '*' }, { kind: 'Role' });
      assert.ok(roles.items.length > 0, 'the new tenant has its built-in roles');
    });

    it('finding 4: a tenant key made in the old tenant never authenticates in a new one of the same name', async () => {
      await expectOk(
        s.call({ method: 'POST', url: '/v1/tenants', body: { metadata: { name: 'beta' }, spec: {} } }),
      );
      const oldKey = await seedTenantAdmin(s, 'beta', 'ben');
      const [, , name] = oldKey.split('.');
      const stored = await s.store.get(
        { tenant: 'beta', projects: '*' },
        { kind: 'ApiKey', tenant: 'beta', project: '', name: name! },
      );
      await expectOk(s.call({ method: 'DELETE', url: '/v1/tenants/beta' }));
      await expectOk(
        s.call({ method: 'POST', url: '/v1/tenants', body: { metadata: { name: 'beta' }, spec: {} } }),
      );
      // Even a key object put back as it was (same name, same hash, same user name) is bound to the old tenant's UID.
      await s.store.create(
        { tenant: 'beta', projects: '*' },
        { key: { kind: 'User', tenant: 'beta', project: '', name: 'ben' }, spec: {} },
        { name: 'test' },
      );
      await s.store.create(
        { tenant: 'beta', projects: '*' },
        {
          key: { kind: 'ApiKey', tenant: 'beta', project: '', name: name! },
          spec: stored!.spec,
          status: stored!.status,
        },
        { name: 'test' },
      );
      assert.equal((await whoami(oldKey)).status, 401);
    });

    it('finding 4: the signed-in tenant cannot delete itself', async () => {
      const res = await s.call({ method: 'DELETE', url: '/v1/tenants/default' });
      assert.equal(res.status, 403, res.text);
    });
  });
}
