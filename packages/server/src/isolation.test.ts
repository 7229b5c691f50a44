import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from './test/harness.js';

for (const backend of await testBackends()) {
  describe(`tenant and project isolation on ${backend.name}`, () => {
    let s: TestServer;
    let viewerA: string;
    let editorA: string;
    before(async () => {
      s = await startTestServer(backend);
      for (const p of ['a', 'b'])
        await expectOk(
          s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: p }, spec: {} } }),
        );
      viewerA = await createUserWithRole(s, { user: 'viewer-a', role: 'project-viewer', project: 'a' });
      editorA = await createUserWithRole(s, { user: 'editor-a', role: 'project-editor', project: 'a' });
      for (const p of ['a', 'b']) {
        await expectOk(
          s.call({
            method: 'POST',
            url: `/v1/projects/${p}/macros`,
            body: { metadata: { name: 'x' }, spec: { value: p } },
          }),
        );
        await expectOk(
          s.call({
            method: 'POST',
            url: `/v1/projects/${p}/cloudaccounts`,
            body: { metadata: { name: 'x' }, spec: { provider: 'aws', credentials: { key: `secret-${p}` } } },
          }),
        );
      }
    });
    after(async () => s?.close());

    it('a project-A viewer gets 404 or 403 on every route of project B, for every method', async () => {
      const projectRoutes = s.routes.filter((r) => r.url.includes(':project'));
      assert.ok(projectRoutes.length >= 30, `expected many project routes, found ${projectRoutes.length}`);
      const leaks: string[] = [];
      for (const r of projectRoutes) {
        const url = r.url.replace(':project', 'b').replace(':name', 'x').replace(':version', '1.0.0');
        const body =
          r.method === 'GET' || r.method === 'DELETE'
            ? undefined
            : { metadata: { name: 'x' }, spec: { value: 'hacked' } };
        const res = await s.call({
          method: r.method as 'GET',
          url,
          key: viewerA,
          ...(body ? { body } : {}),
          ...(r.method === 'PATCH' ? { contentType: 'application/merge-patch+json' } : {}),
        });
        if (res.status !== 404 && res.status !== 403) leaks.push(`${r.method} ${url} -> ${res.status}`);
      }
      assert.deepEqual(leaks, []);
      const stillThere = await s.call({ method: 'GET', url: '/v1/projects/b/macros/x' });
      assert.deepEqual(stillThere.body.spec, { value: 'b' }, 'nothing in B changed');
    });

    it('the viewer reads project A but cannot write anything anywhere', async () => {
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/projects/a/macros/x', key: viewerA })).status,
        200,
      );
      const list = await s.call({ method: 'GET', url: '/v1/projects/a/macros', key: viewerA });
      assert.deepEqual(
        list.body.items!.map((i) => (i.metadata as { project: string }).project),
        ['a'],
      );
      const writes = [
        s.call({
          method: 'POST',
          url: '/v1/projects/a/macros',
          key: viewerA,
          body: { metadata: { name: 'y' }, spec: { value: '1' } },
        }),
        s.call({
          method: 'PUT',
          url: '/v1/projects/a/macros/x',
          key: viewerA,
          body: { metadata: { name: 'x' }, spec: { value: '1' } },
        }),
        s.call({ method: 'DELETE', url: '/v1/projects/a/macros/x', key: viewerA }),
        s.call({
          method: 'POST',
          url: '/v1/projects',
          key: viewerA,
          body: { metadata: { name: 'c' }, spec: {} },
        }),
        s.call({
          method: 'POST',
          url: '/v1/roles',
          key: viewerA,
          body: { metadata: { name: 'r' }, spec: { permissions: ['*.*'] } },
        }),
        s.call({
          method: 'POST',
          url: '/v1/projects/a/rolebindings',
          key: viewerA,
          body: {
            metadata: { name: 'rb' },
            spec: { role: 'project-admin', subjects: [{ kind: 'User', name: 'viewer-a' }] },
          },
        }),
        s.call({
          method: 'POST',
          url: '/v1/tenants',
          key: viewerA,
          body: { metadata: { name: 't2' }, spec: {} },
        }),
      ];
      for (const res of await Promise.all(writes)) assert.equal(res.status, 403, res.text);
    });

    it('lists never include another project, even when asking for every project', async () => {
      const projects = await s.call({ method: 'GET', url: '/v1/projects', key: viewerA });
      assert.deepEqual(
        projects.body.items!.map((i) => (i.metadata as { name: string }).name),
        ['a'],
      );
      const auditB = await s.call({ method: 'GET', url: '/v1/projects/b/auditentries', key: viewerA });
      assert.equal(auditB.status, 404);
    });

    it('an editor in A writes in A but not in B and cannot grant itself more', async () => {
      assert.equal(
        (
          await s.call({
            method: 'POST',
            url: '/v1/projects/a/macros',
            key: editorA,
            body: { metadata: { name: 'e' }, spec: { value: '1' } },
          })
        ).status,
        201,
      );
      assert.equal(
        (
          await s.call({
            method: 'POST',
            url: '/v1/projects/b/macros',
            key: editorA,
            body: { metadata: { name: 'e' }, spec: { value: '1' } },
          })
        ).status,
        404,
      );
      const grant = await s.call({
        method: 'POST',
        url: '/v1/projects/a/rolebindings',
        key: editorA,
        body: {
          metadata: { name: 'up' },
          spec: { role: 'project-admin', subjects: [{ kind: 'User', name: 'editor-a' }] },
        },
      });
      assert.equal(grant.status, 403);
    });

    it('tenant-scoped profiles and macros are shared read-only with projects', async () => {
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'shared' }, spec: { value: 'v' } },
        }),
      );
      const profile = {
        metadata: { name: 'shared-base' },
        spec: {
          type: 'addon',
          version: '1.0.0',
          layers: [{ name: 'cm', manifest: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n' }],
        },
      };
      await expectOk(s.call({ method: 'POST', url: '/v1/clusterprofiles', body: profile }));
      for (const key of [viewerA, editorA]) {
        assert.equal(
          (await s.call({ method: 'GET', url: '/v1/clusterprofiles/shared-base', key })).status,
          200,
        );
        assert.equal((await s.call({ method: 'GET', url: '/v1/macros/shared', key })).status, 200);
      }
      const edit = await s.call({
        method: 'PUT',
        url: '/v1/clusterprofiles/shared-base/versions/1.0.0',
        key: editorA,
        body: profile,
      });
      assert.equal(edit.status, 403);
      const create = await s.call({
        method: 'POST',
        url: '/v1/macros',
        key: editorA,
        body: { metadata: { name: 'mine' }, spec: { value: 'v' } },
      });
      assert.equal(create.status, 403, 'project editors cannot write tenant-wide objects');
    });

    it('users manage their own API keys only; revoked keys stop working at once', async () => {
      const mine = await s.call({
        method: 'POST',
        url: '/v1/apikeys',
        key: viewerA,
        body: { metadata: { name: 'viewer-a-second' }, spec: {} },
      });
      assert.equal(mine.status, 201, mine.text);
      const key = mine.body.key as string;
      assert.match(key, /^stk\.default\.viewer-a-second\./);
      const other = await s.call({
        method: 'POST',
        url: '/v1/apikeys',
        key: viewerA,
        body: { metadata: { name: 'steal' }, spec: { user: 'admin' } },
      });
      assert.equal(other.status, 403);
      const listed = await s.call({ method: 'GET', url: '/v1/apikeys', key: viewerA });
      assert.ok(listed.body.items!.every((i) => (i.spec as { user: string }).user === 'viewer-a'));
      assert.ok(
        listed.body.items!.every((i) => (i.status as Record<string, unknown>).keyHash === undefined),
        'hashes never leave the server',
      );
      assert.equal((await s.call({ method: 'GET', url: '/v1/whoami', key })).status, 200);
      const revoke = await s.call({
        method: 'PATCH',
        url: '/v1/apikeys/viewer-a-second',
        key: viewerA,
        contentType: 'application/merge-patch+json',
        body: { spec: { revoked: true } },
      });
      assert.equal(revoke.status, 200, revoke.text);
      const after = await s.call({ method: 'GET', url: '/v1/whoami', key });
      assert.equal(after.status, 401);
    });

    it('rejects missing, malformed and expired credentials with 401', async () => {
      for (const key of [
        null,
        'nope',
        'stk.default.admin.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      ]) {
        const res = await s.call({ method: 'GET', url: '/v1/projects', key });
        assert.equal(res.status, 401);
        assert.equal(res.body.code, 'STRATA_UNAUTHENTICATED');
      }
      const soon = new Date(Date.now() + 1500).toISOString();
      const made = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/apikeys',
          body: { metadata: { name: 'short' }, spec: { expiresAt: soon } },
        }),
      );
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/whoami', key: made.body.key as string })).status,
        200,
      );
      await new Promise((r) => setTimeout(r, 1700));
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/whoami', key: made.body.key as string })).status,
        401,
      );
    });

    it('signs in with a password and gets a working session key', async () => {
      const bad = await s.call({
        method: 'POST',
        url: '/v1/login',
        key: null,
        body: { username: 'viewer-a', password: 'wrong password' },
      });
      assert.equal(bad.status, 401);
      const ok = await s.call({
        method: 'POST',
        url: '/v1/login',
        key: null,
        body: { username: 'viewer-a', password: 'correct horse battery' },
      });
      assert.equal(ok.status, 200, ok.text);
      const who = await s.call({ method: 'GET', url: '/v1/whoami', key: ok.body.token as string });
      assert.equal(who.body.user, 'viewer-a');
      assert.deepEqual(Object.keys(who.body.projects as object), ['a']);
    });
  });
}
