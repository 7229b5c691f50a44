import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

/** Every registered API route with each `:param` replaced by `value`. */
function apiRoutes(s: TestServer, value: string) {
  return s.routes
    .filter((r) => r.url.startsWith('/v1/'))
    .map((r) => ({
      method: r.method as 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
      url: r.url.replace(/:[A-Za-z]+/g, value),
      hasParams: r.url.includes(':'),
      anyQuery: r.anyQuery === true,
    }));
}

for (const backend of await testBackends()) {
  describe(`URL and body guards (${backend.name})`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'm' }, spec: { value: 'v' } },
        }),
      );
    });
    after(() => s.close());

    it('answers %00 in a path parameter with 400 on every route (PostgreSQL cannot even compare NUL)', async () => {
      const routes = apiRoutes(s, 'a%00b').filter((r) => r.hasParams);
      assert.ok(routes.length > 100, `only ${routes.length} routes with parameters`);
      for (const r of routes) {
        const res = await s.call({
          ...r,
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
        });
        assert.equal(res.status, 400, `${r.method} ${r.url}: ${res.text}`);
        assert.equal(res.body.code, 'STRATA_BAD_REQUEST');
      }
    });

    it('answers a control character in a query value with 400 naming the parameter', async () => {
      const res = await s.call({ method: 'GET', url: '/v1/macros?labelSelector=a%00b' });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        (res.body.issues as { path: string }[]).map((i) => i.path),
        ['/querystring/labelSelector'],
      );
    });

    it('answers NUL inside a JSON string with 422 naming the field, and stores nothing', async () => {
      const res = await s.call({
        method: 'POST',
        url: '/v1/macros',
        body: { metadata: { name: 'nul', labels: { ok: 'x' } }, spec: { value: 'a\u0000b' } },
      });
      assert.equal(res.status, 422, res.text);
      assert.deepEqual(
        (res.body.issues as { path: string }[]).map((i) => i.path),
        ['/spec/value'],
      );
      assert.equal((await s.call({ method: 'GET', url: '/v1/macros/nul' })).status, 404);
    });

    it('refuses an unknown query parameter on every API route with 400 naming it', async () => {
      const routes = apiRoutes(s, 'm');
      // Only the identity provider's callback takes any parameter (IdPs add their own, e.g. iss, session_state).
      assert.deepEqual(
        routes.filter((r) => r.anyQuery).map((r) => `${r.method} ${r.url}`),
        ['GET /v1/sso/callback'],
      );
      for (const r of routes.filter((x) => !x.anyQuery)) {
        const res = await s.call({
          method: r.method,
          url: `${r.url}?bogus=1`,
          ...(r.method === 'GET' || r.method === 'DELETE' ? {} : { body: {} }),
        });
        assert.equal(res.status, 400, `${r.method} ${r.url}: ${res.text}`);
        assert.match(String(res.body.detail), /unknown query parameter "bogus"/, `${r.method} ${r.url}`);
      }
    });

    it('does not delete on a misspelt dry run (?dryrun=true): 400, and the object is still there', async () => {
      const res = await s.call({ method: 'DELETE', url: '/v1/macros/m?dryrun=true' });
      assert.equal(res.status, 400, res.text);
      assert.deepEqual(
        (res.body.issues as { path: string }[]).map((i) => i.path),
        ['/querystring/dryrun'],
      );
      await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
    });

    it('answers ?resourceVersion=abc with 400 naming the parameter (not 409)', async () => {
      const del = await s.call({ method: 'DELETE', url: '/v1/macros/m?resourceVersion=abc' });
      assert.equal(del.status, 400, del.text);
      assert.match(String(del.body.detail), /resourceVersion/);
      const watch = await s.call({ method: 'GET', url: '/v1/macros?watch=true&resourceVersion=abc' });
      assert.equal(watch.status, 400, watch.text);
      await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
    });

    it('answers 20,000 labels with 422 (not "too many SQL variables"), and stores nothing', async () => {
      const labels = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, 'v']));
      const res = await s.call({
        method: 'POST',
        url: '/v1/macros',
        body: { metadata: { name: 'many', labels }, spec: { value: 'v' } },
      });
      assert.equal(res.status, 422, res.text.slice(0, 300));
      assert.ok((res.body.issues as { path: string }[]).some((i) => i.path === '/metadata/labels'));
      assert.equal((await s.call({ method: 'GET', url: '/v1/macros/many' })).status, 404);
    });

    it('stores 64 labels (the limit) and finds the object by them', async () => {
      const labels = Object.fromEntries(Array.from({ length: 64 }, (_, i) => [`k${i}`, 'v']));
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'labelled', labels }, spec: { value: 'v' } },
        }),
      );
      const found = await expectOk(s.call({ method: 'GET', url: '/v1/macros?labelSelector=k63%3Dv' }));
      assert.deepEqual(
        found.body.items!.map((i) => (i.metadata as { name: string }).name),
        ['labelled'],
      );
    });

    it('answers 404 for a project the caller cannot see, as for one that does not exist (not 403)', async () => {
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'mine' }, spec: {} } }),
      );
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'other' }, spec: {} } }),
      );
      const key = await createUserWithRole(s, { user: 'pat', role: 'project-viewer', project: 'mine' });
      const hidden = await s.call({ method: 'GET', url: '/v1/projects/other', key });
      const absent = await s.call({ method: 'GET', url: '/v1/projects/absent', key });
      assert.equal(hidden.status, 404, hidden.text);
      assert.equal(absent.status, 404, absent.text);
      for (const method of ['PUT', 'PATCH', 'DELETE'] as const) {
        const res = await s.call({
          method,
          url: '/v1/projects/other',
          key,
          ...(method === 'DELETE' ? {} : { body: {} }),
        });
        assert.equal(res.status, 404, `${method}: ${res.text}`);
      }
      await expectOk(s.call({ method: 'GET', url: '/v1/projects/mine', key }));
    });
  });
}
