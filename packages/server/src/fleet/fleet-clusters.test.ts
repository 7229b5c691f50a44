/**
 * The tenant-wide fleet view's list (`GET /v1/fleet/clusters`): clusters of every project the caller may list,
 * filtered and paged on the server, with counts per filter value; nothing from projects the caller may not read.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FleetClusters } from '@strata/api';
import { testBackends } from '@strata/testing';
import { SANDBOX_INFRA_LAYERS } from '../test/cluster-world.js';
import { startFleetWorld, type FleetWorld } from '../test/fleet-world.js';
import { createUserWithRole, expectOk, publishProfile } from '../test/harness.js';

for (const backend of await testBackends()) {
  describe(`the all-projects fleet list on ${backend.name}`, () => {
    let w: FleetWorld;
    let viewer: string;
    before(async () => {
      w = await startFleetWorld(backend);
      await w.running('d1', { region: 'eu' });
      await w.create('d2', {}, { region: 'us' });
      await w.create('d3', {}, { region: 'eu' });
      await expectOk(
        w.s.call({ method: 'POST', url: '/v1/projects', body: { metadata: { name: 'shop' }, spec: {} } }),
      );
      await publishProfile(w.s, {
        metadata: { name: 'shared' },
        spec: { type: 'full', version: '1.0.0', layers: SANDBOX_INFRA_LAYERS },
      });
      for (const name of ['s1', 's2']) {
        await expectOk(
          w.s.call({
            method: 'POST',
            url: '/v1/projects/shop/clusters',
            body: {
              metadata: { name, labels: { region: 'eu' } },
              spec: {
                provider: 'scripted',
                nodePools: [{ name: 'cp', controlPlane: true, count: 1 }],
                profiles: [{ name: 'shared', version: '1.0.0' }],
              },
            },
          }),
        );
      }
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/clustergroups',
          body: { metadata: { name: 'eu' }, spec: { selector: 'region=eu' } },
        }),
      );
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/projects/default/clustergroups',
          body: { metadata: { name: 'eu-here' }, spec: { selector: 'region=eu' } },
        }),
      );
      viewer = await createUserWithRole(w.s, { user: 'viewer', role: 'project-viewer', project: 'shop' });
    });
    after(async () => w?.close());

    const list = async (query = '', key?: string) =>
      (
        await expectOk(
          w.s.call({ method: 'GET', url: `/v1/fleet/clusters${query}`, ...(key ? { key } : {}) }),
        )
      ).body as unknown as FleetClusters;
    const names = (r: FleetClusters) => r.items.map((c) => `${c.project}/${c.name}`);

    it('lists every project, by project then name, with the counts for each filter', async () => {
      const all = await list();
      assert.deepEqual(names(all), ['default/d1', 'default/d2', 'default/d3', 'shop/s1', 'shop/s2']);
      assert.equal(all.total, 5);
      assert.deepEqual(all.facets.project, { default: 3, shop: 2 });
      assert.equal(all.facets.phase.Running, 1);
      assert.equal(all.facets.phase.Pending, 4);
      const d1 = all.items[0]!;
      assert.equal(d1.provider, 'scripted');
      assert.deepEqual(d1.profiles, ['base@1.0.0']);
      assert.equal(d1.health, 'Healthy');
    });

    it('filters by project, group, phase, health, provider, version and name, and pages', async () => {
      const cases: [string, string[]][] = [
        ['?project=shop', ['shop/s1', 'shop/s2']],
        ['?group=eu', ['default/d1', 'default/d3', 'shop/s1', 'shop/s2']],
        ['?group=default/eu-here', ['default/d1', 'default/d3']],
        ['?phase=Running', ['default/d1']],
        ['?health=Healthy', ['default/d1']],
        ['?provider=scripted&q=s', ['shop/s1', 'shop/s2']],
        ['?provider=other', []],
        [`?version=${(await list('?phase=Running')).items[0]!.kubernetesVersion}`, ['default/d1']],
        ['?group=eu&project=shop&q=2', ['shop/s2']],
        ['?limit=2&offset=2', ['default/d3', 'shop/s1']],
      ];
      for (const [query, want] of cases) assert.deepEqual(names(await list(query)), want, query);
      const page = await list('?limit=2&offset=2');
      assert.equal(page.total, 5, 'total counts every page');
      assert.equal(page.offset, 2);
    });

    it('shows only the projects the caller may list', async () => {
      const seen = await list('', viewer);
      assert.deepEqual(names(seen), ['shop/s1', 'shop/s2']);
      assert.deepEqual(seen.facets.project, { shop: 2 }, 'no count gives another project away');
      assert.deepEqual(names(await list('?project=default', viewer)), []);
      // Another project's group is as invisible as the project.
      const viaGroup = await w.s.call({
        method: 'GET',
        url: '/v1/fleet/clusters?group=default/eu-here',
        key: viewer,
      });
      assert.equal(viaGroup.status, 404, viaGroup.text);
      assert.doesNotMatch(viaGroup.text, /d1|d3/);
    });

    it('refuses bad filters with the parameter named, and unknown groups with 404', async () => {
      for (const query of ['?limit=abc', '?project=Bad_Name', '?group=a/b/c', '?colour=red']) {
        const res = await w.s.call({ method: 'GET', url: `/v1/fleet/clusters${query}` });
        assert.equal(res.status, 400, `${query}: ${res.text}`);
      }
      const missing = await w.s.call({ method: 'GET', url: '/v1/fleet/clusters?group=nowhere' });
      assert.equal(missing.status, 404);
      assert.match(missing.text, /nowhere/);
    });

    it('refuses anonymous callers', async () => {
      const res = await w.s.call({ method: 'GET', url: '/v1/fleet/clusters', key: null });
      assert.equal(res.status, 401);
    });
  });
}
