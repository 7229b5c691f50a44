/**
 * Gateways through the API: CRUD and scope, a Cluster API cluster's spec.gateway checked on every write (required,
 * found from its project, immutable, refused by providers without gateways), and a gateway in use that cannot go.
 * The provider is the real CapiProvider; its gateway is never reached here (validation does not call it).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { IN_MEMORY } from '@strata/capi';
import { transient } from '@strata/provider-sdk';
import { CapiProvider, IN_MEMORY_KUBERNETES_VERSIONS, SandboxProvider } from '@strata/providers';
import { testBackends } from '@strata/testing';
import { ProviderRegistry } from '../clusters/provider-registry.js';
import { SANDBOX_INFRA_LAYERS } from '../test/cluster-world.js';
import {
  createUserWithRole,
  expectOk,
  publishProfile,
  startTestServer,
  type TestServer,
} from '../test/harness.js';

const P = '/v1/projects/default';
const R = '/v1/projects/retail';

const capiCluster = (name: string, spec: Record<string, unknown> = {}) => ({
  metadata: { name },
  spec: {
    provider: 'capi-dev',
    kubernetesVersion: 'v1.35.0',
    profiles: [{ name: 'base', version: '1.0.0' }],
    nodePools: [
      { name: 'cp', controlPlane: true, count: 1 },
      { name: 'workers', count: 2 },
    ],
    ...spec,
  },
});

const paths = (res: { body: Record<string, unknown> }) =>
  ((res.body.issues as { path: string; message: string }[] | undefined) ?? []).map(
    (i) => `${i.path}: ${i.message}`,
  );

for (const backend of await testBackends()) {
  describe(`gateways through the API on ${backend.name}`, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(backend, {
        providers: new ProviderRegistry([
          new SandboxProvider({ stateDir: join('/nonexistent', 'sandbox') }),
          new CapiProvider({
            name: 'capi-dev',
            infrastructure: IN_MEMORY,
            gateway: () => Promise.reject(transient('no gateway runs in this test')),
            kubernetesVersions: IN_MEMORY_KUBERNETES_VERSIONS,
          }),
        ]),
      });
      await expectOk(
        s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'retail' }, spec: {} } }),
      );
      await publishProfile(s, {
        metadata: { name: 'base' },
        spec: { type: 'infra', version: '1.0.0', layers: SANDBOX_INFRA_LAYERS },
      });
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/gateways',
          body: { metadata: { name: 'shared' }, spec: { type: 'embedded' } },
        }),
      );
      await expectOk(
        s.call({ method: 'POST', url: `${P}/gateways`, body: { metadata: { name: 'local' }, spec: {} } }),
      );
    });
    after(async () => s?.close());

    it('creates gateways with a starting status; lists them by scope; refuses unknown types naming the field', async () => {
      const got = await expectOk(s.call({ method: 'GET', url: `${P}/gateways/local` }));
      assert.equal((got.body.status as { phase: string }).phase, 'Starting');
      const tenant = await expectOk(s.call({ method: 'GET', url: '/v1/gateways' }));
      assert.deepEqual(
        (tenant.body.items as { metadata: { name: string } }[]).map((g) => g.metadata.name),
        ['shared'],
      );
      const bad = await s.call({
        method: 'POST',
        url: `${P}/gateways`,
        body: { metadata: { name: 'x' }, spec: { type: 'vmware' } },
      });
      assert.equal(bad.status, 422);
      assert.match(JSON.stringify(bad.body.issues), /\/spec\/type/);
      assert.equal((await s.call({ method: 'GET', url: `${P}/gateways/x` })).status, 404, 'nothing stored');
    });

    it('a project viewer reads gateways but cannot create or delete one', async () => {
      const key = await createUserWithRole(s, { user: 'viewer', role: 'project-viewer', project: 'default' });
      assert.equal((await s.call({ method: 'GET', url: `${P}/gateways/local`, key })).status, 200);
      assert.equal(
        (await s.call({ method: 'GET', url: `/v1/gateways/shared`, key })).status,
        200,
        'tenant gateways are shared',
      );
      const create = await s.call({
        method: 'POST',
        url: `${P}/gateways`,
        key,
        body: { metadata: { name: 'mine' }, spec: {} },
      });
      assert.equal(create.status, 403);
      assert.equal((await s.call({ method: 'DELETE', url: `${P}/gateways/local`, key })).status, 403);
    });

    it('a Cluster API cluster must name a gateway it can see; other providers must not name one', async () => {
      const none = await s.call({ method: 'POST', url: `${P}/clusters`, body: capiCluster('no-gw') });
      assert.equal(none.status, 422);
      assert.ok(
        paths(none).some((p) =>
          /^\/spec\/gateway: provider capi-dev builds clusters through a gateway/.test(p),
        ),
        paths(none).join('\n'),
      );
      const unknown = await s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: capiCluster('bad-gw', { gateway: 'nope' }),
      });
      assert.equal(unknown.status, 422);
      assert.ok(
        paths(unknown).includes('/spec/gateway: no gateway "nope" in project "default" or tenant "default"'),
        paths(unknown).join('\n'),
      );
      // The project gateway of another project is not visible from here.
      const elsewhere = await s.call({
        method: 'POST',
        url: `${R}/clusters`,
        body: capiCluster('other-gw', { gateway: 'local' }),
      });
      assert.equal(elsewhere.status, 422);
      const sandbox = await s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: {
          metadata: { name: 'sb' },
          spec: { ...capiCluster('sb').spec, provider: 'sandbox', gateway: 'local' },
        },
      });
      assert.equal(sandbox.status, 422);
      assert.ok(
        paths(sandbox).includes('/spec/gateway: provider sandbox does not use gateways'),
        paths(sandbox).join('\n'),
      );
      const version = await s.call({
        method: 'POST',
        url: `${P}/clusters`,
        body: capiCluster('old', { gateway: 'local', kubernetesVersion: 'v1.20.0' }),
      });
      assert.equal(version.status, 422);
      assert.ok(
        paths(version).some((p) =>
          p.startsWith('/spec/kubernetesVersion: Kubernetes v1.20.0 is not available on provider capi-dev'),
        ),
      );
      for (const name of ['no-gw', 'bad-gw', 'sb', 'old'])
        assert.equal(
          (await s.call({ method: 'GET', url: `${P}/clusters/${name}` })).status,
          404,
          `${name}: nothing stored`,
        );
    });

    it('takes a project gateway or a tenant one; the gateway cannot change afterwards', async () => {
      await expectOk(
        s.call({ method: 'POST', url: `${P}/clusters`, body: capiCluster('web', { gateway: 'local' }) }),
      );
      await expectOk(
        s.call({ method: 'POST', url: `${R}/clusters`, body: capiCluster('shop', { gateway: 'shared' }) }),
      );
      const moved = await s.call({
        method: 'PUT',
        url: `${P}/clusters/web`,
        body: capiCluster('web', { gateway: 'shared' }),
      });
      assert.equal(moved.status, 422);
      assert.ok(
        paths(moved).some((p) => p.startsWith('/spec/gateway: gateway cannot change after creation')),
        paths(moved).join('\n'),
      );
    });

    it('a gateway that runs clusters cannot be deleted, and says which; a free one can', async () => {
      const local = await s.call({ method: 'DELETE', url: `${P}/gateways/local` });
      assert.equal(local.status, 409);
      assert.match(
        String(local.body.detail),
        /gateway "local" runs 1 cluster\(s\): default\/web; delete them first/,
      );
      const shared = await s.call({ method: 'DELETE', url: '/v1/gateways/shared' });
      assert.equal(shared.status, 409);
      assert.match(String(shared.body.detail), /retail\/shop/);
      await expectOk(
        s.call({ method: 'POST', url: `${P}/gateways`, body: { metadata: { name: 'spare' }, spec: {} } }),
      );
      await expectOk(s.call({ method: 'DELETE', url: `${P}/gateways/spare` }));
    });
  });
}
