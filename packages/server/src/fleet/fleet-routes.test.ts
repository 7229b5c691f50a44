/**
 * ClusterGroups (live membership, bad input) and the rollout plan (per cluster and batch, grouped by outcome, from
 * the cluster plan code; nothing stored), through the API on a real store.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { PROJECT_URL as P } from '../test/cluster-world.js';
import { startFleetWorld, type FleetWorld } from '../test/fleet-world.js';
import { createUserWithRole, expectOk } from '../test/harness.js';
import type { FleetUpdates, RolloutPlan } from '@strata/api';

for (const backend of await testBackends()) {
  describe(`cluster groups and rollout plans on ${backend.name}`, () => {
    let w: FleetWorld;
    before(async () => {
      w = await startFleetWorld(backend);
      await w.running('eu1', { region: 'eu', env: 'prod' });
      await w.running('eu2', { region: 'eu', env: 'prod' });
      await w.running('eu3', { region: 'eu', env: 'prod' }, { paused: true });
      await w.running('us1', { region: 'us', env: 'prod' });
      // A cluster on another full profile: attaching `base` too would give it two infra profiles.
      await expectOk(
        w.s.call({
          method: 'POST',
          url: `${P}/clusterprofiles`,
          body: {
            metadata: { name: 'alt' },
            spec: {
              type: 'full',
              version: '1.0.0',
              layers: [
                { pack: 'ubuntu', version: '24.04.1' },
                { pack: 'kubernetes', version: '1.36.3' },
                { pack: 'sandbox-cni', version: '0.1.0' },
                { pack: 'sandbox-csi', version: '0.1.0' },
              ],
            },
          },
        }),
      );
      await expectOk(w.s.call({ method: 'POST', url: `${P}/clusterprofiles/alt/versions/1.0.0/publish` }));
      await w.create(
        'eu-alt',
        { profiles: [{ name: 'alt', version: '1.0.0' }] },
        { region: 'eu', env: 'prod' },
      );
    });
    after(async () => w?.close());

    const members = async (url: string) =>
      ((await expectOk(w.s.call({ method: 'GET', url: `${url}/members` }))).body.items ?? []).map((m) =>
        String(m.name),
      );

    it('a group shows its members as they are now', async () => {
      await expectOk(
        w.s.call({
          method: 'POST',
          url: `${P}/clustergroups`,
          body: { metadata: { name: 'eu' }, spec: { selector: 'region=eu' } },
        }),
      );
      assert.deepEqual((await members(`${P}/clustergroups/eu`)).sort(), ['eu-alt', 'eu1', 'eu2', 'eu3']);
      await expectOk(
        w.s.call({
          method: 'PATCH',
          url: `${P}/clusters/us1`,
          body: { metadata: { labels: { region: 'eu' } } },
        }),
      );
      assert.ok((await members(`${P}/clustergroups/eu`)).includes('us1'), 'relabelled: a member now');
      await expectOk(
        w.s.call({
          method: 'PATCH',
          url: `${P}/clusters/us1`,
          body: { metadata: { labels: { region: 'us' } } },
        }),
      );
      assert.ok(!(await members(`${P}/clustergroups/eu`)).includes('us1'), 'and gone again');
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/clustergroups',
          body: { metadata: { name: 'all-prod' }, spec: { selector: 'env=prod', projects: ['default'] } },
        }),
      );
      assert.equal((await members('/v1/clustergroups/all-prod')).length, 5);
      const viewer = await createUserWithRole(w.s, {
        user: 'viewer',
        role: 'project-viewer',
        project: 'default',
      });
      const seen = await w.s.call({ method: 'GET', url: `${P}/clustergroups/eu/members`, key: viewer });
      assert.equal(seen.status, 200);
      assert.equal(seen.body.count, 4);
    });

    it('refuses groups that would select everything or nothing sensible', async () => {
      const cases: [string, Record<string, unknown>, string][] = [
        [`${P}/clustergroups`, { selector: '' }, '/spec/selector'],
        [`${P}/clustergroups`, { selector: 'region in (eu' }, '/spec/selector'],
        [`${P}/clustergroups`, { selector: 'region=eu', projects: ['default'] }, '/spec/projects'],
        [`${P}/clustergroups`, {}, '/spec/selector'],
      ];
      for (const [url, spec, path] of cases) {
        const res = await w.s.call({ method: 'POST', url, body: { metadata: { name: 'bad' }, spec } });
        assert.equal(res.status, 422, `${JSON.stringify(spec)}: ${res.text}`);
        assert.ok(res.text.includes(path), `${path} in ${res.text}`);
      }
    });

    it('plans a rollout per cluster and batch, grouped by outcome, and stores nothing', async () => {
      const generation = async (name: string) =>
        (await w.s.store.get({ tenant: 'default', projects: '*' }, w.key(name)))!.metadata.generation;
      const before = await Promise.all(['eu1', 'eu2', 'eu3', 'eu-alt'].map(generation));
      const res = await expectOk(
        w.s.call({
          method: 'POST',
          url: `${P}/rollouts/plan`,
          body: {
            spec: {
              target: { group: 'eu' },
              change: { profile: { name: 'base', version: '1.1.0' } },
              strategy: { canary: { count: 1 }, batchSize: 1 },
            },
          },
        }),
      );
      const plan = res.body as unknown as RolloutPlan;
      const byName = new Map(plan.clusters.map((c) => [c.name, c]));
      assert.equal(byName.get('eu1')?.outcome, 'change');
      assert.deepEqual(
        byName.get('eu1')?.layers?.changed,
        ['base/sandbox-cni'],
        'the layer diff of the cluster plan',
      );
      // By name, eu-alt is first: the canary. It is blocked: the rollout would halt there, and the plan says so first.
      assert.equal(byName.get('eu-alt')?.batch, 0);
      assert.deepEqual(
        plan.batches.map((b) => [b.name, b.clusters]),
        [
          ['canary', 1],
          ['batch-1', 1],
          ['batch-2', 1],
        ],
      );
      assert.equal(byName.get('eu1')?.batch, 1);
      assert.equal(byName.get('eu2')?.batch, 2);
      assert.equal(byName.get('eu3')?.outcome, 'skip');
      assert.equal(byName.get('eu3')?.reason, 'Paused');
      const alt = byName.get('eu-alt');
      assert.equal(alt?.outcome, 'blocked');
      assert.match(alt?.message ?? '', /\/spec\/profiles/);
      assert.deepEqual(plan.summary, { change: 2, skip: 1, blocked: 1 });
      assert.deepEqual(
        await Promise.all(['eu1', 'eu2', 'eu3', 'eu-alt'].map(generation)),
        before,
        'no cluster changed',
      );
      assert.equal(
        ((await w.s.call({ method: 'GET', url: `${P}/rollouts` })).body.items ?? []).length,
        0,
        'no rollout stored',
      );
      const already = await expectOk(
        w.s.call({
          method: 'POST',
          url: `${P}/rollouts/plan`,
          body: {
            spec: {
              target: { selector: 'region=us' },
              change: { profile: { name: 'base', version: '1.0.0' } },
            },
          },
        }),
      );
      assert.equal((already.body as unknown as RolloutPlan).clusters[0]?.reason, 'AlreadyAtTarget');
      const missing = await w.s.call({
        method: 'POST',
        url: `${P}/rollouts/plan`,
        body: {
          spec: {
            target: { selector: 'region=us' },
            change: { profile: { name: 'base', version: '7.0.0' } },
          },
        },
      });
      assert.equal(missing.status, 422);
      assert.match(missing.text, /\/spec\/change\/profile\/version/);
    });

    it('a rollout may name its clusters; unknown names and bare names at tenant scope are refused', async () => {
      const plan = async (url: string, clusters: string[]) =>
        w.s.call({
          method: 'POST',
          url,
          body: { spec: { target: { clusters }, change: { profile: { name: 'base', version: '1.1.0' } } } },
        });
      const named = await expectOk(plan(`${P}/rollouts/plan`, ['us1', 'eu2']));
      assert.deepEqual(
        (named.body as unknown as RolloutPlan).clusters.map((c) => c.name),
        ['eu2', 'us1'],
        'exactly those, in rollout order',
      );
      const unknown = await plan(`${P}/rollouts/plan`, ['us1', 'nowhere']);
      assert.equal(unknown.status, 422);
      assert.match(unknown.text, /\/spec\/target\/clusters\/1/);
      assert.match(unknown.text, /no cluster \\"nowhere\\"/);
      const bare = await plan('/v1/rollouts/plan', ['us1']);
      assert.equal(bare.status, 422);
      assert.match(bare.text, /PROJECT\/NAME/);
      const tenant = await expectOk(plan('/v1/rollouts/plan', ['default/us1']));
      assert.equal((tenant.body as unknown as RolloutPlan).clusters.length, 1);
    });

    it('lists the clusters on outdated profile versions, grouped, as far as the caller may see', async () => {
      const res = await expectOk(w.s.call({ method: 'GET', url: '/v1/fleet/updates' }));
      const items = (res.body as unknown as FleetUpdates).items;
      const base = items.find((u) => u.profile === 'base');
      assert.equal(base?.from, '1.0.0');
      assert.equal(base?.to, '1.2.0', 'the newest published version');
      assert.deepEqual(base?.clusters.map((c) => c.name).sort(), ['eu1', 'eu2', 'us1']);
      await expectOk(
        w.s.call({
          method: 'POST',
          url: '/v1/projects',
          body: { metadata: { name: 'elsewhere' }, spec: {} },
        }),
      );
      const outsider = await createUserWithRole(w.s, {
        user: 'outsider',
        role: 'project-viewer',
        project: 'elsewhere',
      });
      const hidden = await expectOk(w.s.call({ method: 'GET', url: '/v1/fleet/updates', key: outsider }));
      assert.deepEqual(
        (hidden.body as unknown as FleetUpdates).items,
        [],
        'clusters of other projects are not counted',
      );
      const bad = await w.s.call({ method: 'GET', url: '/v1/fleet/updates?project=Not_A_Name' });
      assert.equal(bad.status, 400);
    });

    it('a rollout needs the right to change every cluster it selects', async () => {
      const editor = await createUserWithRole(w.s, {
        user: 'editor',
        role: 'project-editor',
        project: 'default',
      });
      const tenantWide = await w.s.call({
        method: 'POST',
        url: '/v1/rollouts',
        key: editor,
        body: {
          metadata: { name: 'wide' },
          spec: { target: { selector: 'env=prod' }, change: { policy: { drift: 'report' } } },
        },
      });
      assert.equal(tenantWide.status, 403);
      const viewer = await createUserWithRole(w.s, {
        user: 'viewer2',
        role: 'project-viewer',
        project: 'default',
      });
      const plan = await w.s.call({
        method: 'POST',
        url: `${P}/rollouts/plan`,
        key: viewer,
        body: { spec: { target: { selector: 'env=prod' }, change: { policy: { drift: 'report' } } } },
      });
      assert.equal(plan.status, 403);
      const own = await w.s.call({
        method: 'POST',
        url: `${P}/rollouts`,
        key: editor,
        body: {
          metadata: { name: 'mine' },
          spec: { target: { selector: 'env=prod' }, change: { policy: { drift: 'report' } }, paused: true },
        },
      });
      assert.equal(own.status, 201, own.text);
    });
  });
}
