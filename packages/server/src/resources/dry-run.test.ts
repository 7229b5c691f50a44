import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, expectOk, startTestServer, type TestServer } from '../test/harness.js';

type Meta = { name: string; labels: Record<string, string>; resourceVersion: string };

for (const backend of await testBackends()) {
  describe(`dryRun on resource writes (${backend.name})`, () => {
    let s: TestServer;
    /** The global resourceVersion and the number of audit entries: a dry run must move neither. */
    const footprint = async () => ({
      rv: await s.store.currentResourceVersion(),
      audit: (await expectOk(s.call({ method: 'GET', url: '/v1/auditentries?limit=1000' }))).body.items!
        .length,
    });
    before(async () => {
      s = await startTestServer(backend);
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/macros',
          body: { metadata: { name: 'm' }, spec: { value: 'v1' } },
        }),
      );
    });
    after(() => s.close());

    it('DELETE ?dryRun=true answers with the object and deletes nothing', async () => {
      const was = await footprint();
      const res = await s.call({ method: 'DELETE', url: '/v1/macros/m?dryRun=true' });
      assert.equal(res.status, 200, res.text);
      assert.equal((res.body.metadata as Meta).name, 'm');
      await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
      assert.deepEqual(await footprint(), was);
    });

    it('create, replace and patch with dryRun=All answer with the result and store nothing', async () => {
      const was = await footprint();
      const created = await s.call({
        method: 'POST',
        url: '/v1/macros?dryRun=All',
        body: { metadata: { name: 'new' }, spec: { value: 'x' } },
      });
      assert.equal(created.status, 200, created.text);
      assert.equal((created.body.spec as { value: string }).value, 'x');
      assert.equal((await s.call({ method: 'GET', url: '/v1/macros/new' })).status, 404);

      const replaced = await s.call({
        method: 'PUT',
        url: '/v1/macros/m?dryRun=All',
        body: { metadata: { name: 'm' }, spec: { value: 'v2' } },
      });
      assert.equal(replaced.status, 200, replaced.text);
      assert.equal((replaced.body.spec as { value: string }).value, 'v2');
      assert.equal(
        replaced.body.metadata && (replaced.body.metadata as { generation?: number }).generation,
        2,
      );

      const patched = await s.call({
        method: 'PATCH',
        url: '/v1/macros/m?dryRun=All',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { tier: 'web' } } },
      });
      assert.equal(patched.status, 200, patched.text);
      assert.deepEqual((patched.body.metadata as Meta).labels, { tier: 'web' });

      const stored = await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
      assert.equal((stored.body.spec as { value: string }).value, 'v1');
      assert.deepEqual((stored.body.metadata as Meta).labels, {});
      assert.deepEqual(await footprint(), was);
    });

    it('still validates, checks preconditions and authorizes', async () => {
      const invalid = await s.call({
        method: 'POST',
        url: '/v1/macros?dryRun=All',
        body: { metadata: { name: 'Bad_Name' }, spec: { value: 'x' } },
      });
      assert.equal(invalid.status, 422, invalid.text);
      const exists = await s.call({
        method: 'POST',
        url: '/v1/macros?dryRun=All',
        body: { metadata: { name: 'm' }, spec: { value: 'x' } },
      });
      assert.equal(exists.status, 409, exists.text);
      const stale = await s.call({ method: 'DELETE', url: '/v1/macros/m?dryRun=All&resourceVersion=1' });
      assert.equal(stale.status, 409, stale.text);
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'p' }, spec: {} } }),
      );
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/projects/p/macros',
          body: { metadata: { name: 'pm' }, spec: { value: 'v' } },
        }),
      );
      const viewer = await createUserWithRole(s, { user: 'vic', role: 'project-viewer', project: 'p' });
      const forbidden = await s.call({
        method: 'DELETE',
        url: '/v1/projects/p/macros/pm?dryRun=All',
        key: viewer,
      });
      assert.equal(forbidden.status, 403, forbidden.text);
    });

    it('mints no usable key for a dry-run ApiKey', async () => {
      const res = await s.call({
        method: 'POST',
        url: '/v1/apikeys?dryRun=All',
        body: { metadata: { name: 'dry-key' }, spec: {} },
      });
      assert.equal(res.status, 200, res.text);
      assert.equal(res.body.key, undefined);
      assert.equal((await s.call({ method: 'GET', url: '/v1/apikeys/dry-key' })).status, 404);
    });

    it('refuses any other dryRun value with 400 and writes nothing', async () => {
      const res = await s.call({ method: 'DELETE', url: '/v1/macros/m?dryRun=yes' });
      assert.equal(res.status, 400, res.text);
      await expectOk(s.call({ method: 'GET', url: '/v1/macros/m' }));
      const put = await s.call({
        method: 'PUT',
        url: '/v1/macros/m?dryRun=1',
        body: { metadata: { name: 'm' }, spec: { value: 'v3' } },
      });
      assert.equal(put.status, 400, put.text);
      assert.match(String(put.body.detail), /dryRun/);
    });
  });
}
