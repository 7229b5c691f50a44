import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { createUserWithRole, startTestServer, type TestServer } from './test/harness.js';

for (const backend of await testBackends()) {
  describe(`resource API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend);
    });
    after(async () => s?.close());

    const macro = (name: string, value: string, labels: Record<string, string> = {}) => ({
      apiVersion: 'strata.dev/v1alpha1',
      kind: 'Macro',
      metadata: { name, labels },
      spec: { value },
    });

    it('creates, reads, lists, replaces, patches and deletes an object with the uniform envelope', async () => {
      const created = await s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        body: macro('region', 'eu-west-1', { env: 'prod' }),
      });
      assert.equal(created.status, 201, created.text);
      const meta = created.body.metadata as Record<string, unknown>;
      assert.equal(created.body.apiVersion, 'strata.dev/v1alpha1');
      assert.equal(created.body.kind, 'Macro');
      assert.equal(meta.project, 'default');
      assert.equal(meta.generation, 1);
      assert.match(String(meta.uid), /.+/);
      assert.match(String(meta.resourceVersion), /^\d+$/);

      const got = await s.call({ method: 'GET', url: '/v1/projects/default/macros/region' });
      assert.equal(got.status, 200);
      assert.deepEqual(got.body.spec, { value: 'eu-west-1' });

      const put = await s.call({
        method: 'PUT',
        url: '/v1/projects/default/macros/region',
        body: {
          ...macro('region', 'eu-central-1', { env: 'prod' }),
          metadata: {
            ...macro('region', '').metadata,
            labels: { env: 'prod' },
            resourceVersion: meta.resourceVersion,
          },
        },
      });
      assert.equal(put.status, 200, put.text);
      assert.equal((put.body.metadata as Record<string, unknown>).generation, 2);

      const labelsOnly = await s.call({
        method: 'PATCH',
        url: '/v1/projects/default/macros/region',
        contentType: 'application/merge-patch+json',
        body: { metadata: { labels: { team: 'web' } } },
      });
      assert.equal(labelsOnly.status, 200, labelsOnly.text);
      const lm = labelsOnly.body.metadata as Record<string, unknown>;
      assert.deepEqual(lm.labels, { env: 'prod', team: 'web' });
      assert.equal(lm.generation, 2, 'a label change does not bump generation');

      const del = await s.call({ method: 'DELETE', url: '/v1/projects/default/macros/region' });
      assert.equal(del.status, 200);
      const gone = await s.call({ method: 'GET', url: '/v1/projects/default/macros/region' });
      assert.equal(gone.status, 404);
      assert.equal(gone.body.code, 'STRATA_NOT_FOUND');
      assert.match(String(gone.headers['content-type']), /application\/problem\+json/);
    });

    it('lists with label selectors and pagination', async () => {
      for (let i = 0; i < 7; i++) {
        const res = await s.call({
          method: 'POST',
          url: '/v1/projects/default/macros',
          body: macro(`m${i}`, String(i), { tier: i % 2 ? 'odd' : 'even' }),
        });
        assert.equal(res.status, 201, res.text);
      }
      const odd = await s.call({
        method: 'GET',
        url: '/v1/projects/default/macros?labelSelector=tier%3Dodd',
      });
      assert.deepEqual(
        odd.body.items!.map((i) => (i.metadata as { name: string }).name),
        ['m1', 'm3', 'm5'],
      );
      const names: string[] = [];
      let url = '/v1/projects/default/macros?labelSelector=tier&limit=3';
      for (;;) {
        const page = await s.call({ method: 'GET', url });
        assert.equal(page.status, 200, page.text);
        names.push(...page.body.items!.map((i) => (i.metadata as { name: string }).name));
        if (!page.body.continue) break;
        url = `/v1/projects/default/macros?labelSelector=tier&limit=3&continue=${encodeURIComponent(page.body.continue as string)}`;
      }
      assert.deepEqual(names, ['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      const bad = await s.call({ method: 'GET', url: '/v1/projects/default/macros?labelSelector=%3D%3Dx' });
      assert.equal(bad.status, 400);
    });

    it('refuses a write with a stale resourceVersion and changes nothing', async () => {
      const c = await s.call({ method: 'POST', url: '/v1/macros', body: macro('stale', 'a') });
      const rv = (c.body.metadata as { resourceVersion: string }).resourceVersion;
      const first = await s.call({
        method: 'PUT',
        url: '/v1/macros/stale',
        body: { ...macro('stale', 'b'), metadata: { name: 'stale', resourceVersion: rv } },
      });
      assert.equal(first.status, 200);
      const second = await s.call({
        method: 'PUT',
        url: '/v1/macros/stale',
        body: { ...macro('stale', 'c'), metadata: { name: 'stale', resourceVersion: rv } },
      });
      assert.equal(second.status, 409);
      assert.equal(second.body.code, 'STRATA_CONFLICT');
      const now = await s.call({ method: 'GET', url: '/v1/macros/stale' });
      assert.equal((now.body.spec as { value: string }).value, 'b');
    });

    it('50 concurrent updates with the same resourceVersion: exactly one wins, 49 get 409', async () => {
      const c = await s.call({ method: 'POST', url: '/v1/macros', body: macro('race', 'start') });
      const rv = (c.body.metadata as { resourceVersion: string }).resourceVersion;
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          s.call({
            method: 'PUT',
            url: '/v1/macros/race',
            body: { ...macro('race', `writer-${i}`), metadata: { name: 'race', resourceVersion: rv } },
          }),
        ),
      );
      const wins = results.filter((r) => r.status === 200);
      assert.equal(wins.length, 1);
      assert.equal(results.filter((r) => r.status === 409).length, 49);
      const final = await s.call({ method: 'GET', url: '/v1/macros/race' });
      assert.deepEqual(final.body.spec, wins[0]!.body.spec, 'the stored value is the winner’s');
      assert.equal((final.body.metadata as { generation: number }).generation, 2);
    });

    it('keeps status separate: users cannot write it, and spec updates keep it', async () => {
      await s.call({ method: 'POST', url: '/v1/macros', body: macro('st', 'x') });
      const res = await s.call({
        method: 'PUT',
        url: '/v1/macros/st/status',
        body: { status: { observedGeneration: 1 } },
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.code, 'STRATA_FORBIDDEN');
    });

    it('holds an object with finalizers until they are removed (soft deletion)', async () => {
      await s.call({
        method: 'POST',
        url: '/v1/macros',
        body: { ...macro('fin', 'x'), metadata: { name: 'fin', finalizers: ['strata.dev/cleanup'] } },
      });
      const del = await s.call({ method: 'DELETE', url: '/v1/macros/fin' });
      assert.equal(del.status, 200);
      assert.ok((del.body.metadata as { deletedAt?: string }).deletedAt);
      const still = await s.call({ method: 'GET', url: '/v1/macros/fin' });
      assert.equal(still.status, 200);
      const edit = await s.call({
        method: 'PUT',
        url: '/v1/macros/fin',
        body: { ...macro('fin', 'changed'), metadata: { name: 'fin', finalizers: ['strata.dev/cleanup'] } },
      });
      assert.equal(edit.status, 409);
      assert.equal(edit.body.code, 'STRATA_DELETING');
      const release = await s.call({
        method: 'PATCH',
        url: '/v1/macros/fin',
        contentType: 'application/merge-patch+json',
        body: { metadata: { finalizers: [] } },
      });
      assert.equal(release.status, 200, release.text);
      assert.equal((await s.call({ method: 'GET', url: '/v1/macros/fin' })).status, 404);
    });

    it('writes an audit entry for every mutation, readable through the API', async () => {
      await s.call({ method: 'POST', url: '/v1/projects/default/macros', body: macro('audited', '1') });
      await s.call({
        method: 'PATCH',
        url: '/v1/projects/default/macros/audited',
        contentType: 'application/merge-patch+json',
        body: { spec: { value: '2' } },
      });
      await s.call({ method: 'DELETE', url: '/v1/projects/default/macros/audited' });
      const audit = await s.call({ method: 'GET', url: '/v1/projects/default/auditentries?limit=1000' });
      assert.equal(audit.status, 200, audit.text);
      const mine = audit.body
        .items!.map(
          (i) =>
            i.spec as {
              verb: string;
              actor: string;
              object: { name: string };
              generationBefore?: number;
              generationAfter?: number;
            },
        )
        .filter((e) => e.object.name === 'audited');
      assert.deepEqual(
        mine.map((e) => e.verb),
        ['create', 'update', 'delete'],
      );
      assert.ok(mine.every((e) => e.actor === 'admin'));
      assert.equal(mine[1]!.generationBefore, 1);
      assert.equal(mine[1]!.generationAfter, 2);
      const write = await s.call({
        method: 'POST',
        url: '/v1/auditentries',
        body: { metadata: { name: 'fake' }, spec: {} },
      });
      assert.ok(write.status === 404 || write.status === 405, 'audit entries cannot be written by users');
    });

    it('serves OpenAPI 3.1 with a schema per kind, and health endpoints', async () => {
      const doc = await s.call({ method: 'GET', url: '/v1/openapi.json' });
      assert.equal(doc.status, 200);
      assert.equal(doc.body.openapi, '3.1.0');
      const schemas = (doc.body.components as { schemas: Record<string, unknown> }).schemas;
      assert.ok(schemas.MacroInput && schemas.ClusterProfileInput && schemas.RoleBindingInput);
      assert.ok((doc.body.paths as Record<string, unknown>)['/v1/projects/{project}/macros/{name}']);
      assert.equal((await s.call({ method: 'GET', url: '/healthz', key: null })).status, 200);
      assert.equal((await s.call({ method: 'GET', url: '/readyz', key: null })).status, 200);
      const metrics = await s.call({ method: 'GET', url: '/metrics' });
      assert.match(metrics.text, /strata_http_request_duration_seconds_bucket/);
      assert.equal((await s.call({ method: 'GET', url: '/metrics', key: null })).status, 401);
    });

    it("serves /metrics only to holders of metrics.get, which a tenant admin's *.* does not give", async () => {
      const tenantAdmin = await createUserWithRole(s, { user: 'metrics-ta', role: 'tenant-admin' });
      const denied = await s.call({ method: 'GET', url: '/metrics', key: tenantAdmin });
      assert.equal(denied.status, 403);
      assert.match(denied.text, /metrics\.get/);
      const scraper = await createUserWithRole(s, { user: 'scraper', role: 'metrics-reader' });
      const scraped = await s.call({ method: 'GET', url: '/metrics', key: scraper });
      assert.equal(scraped.status, 200);
      assert.match(scraped.text, /strata_http_request_duration_seconds_bucket/);
    });
  });
}
