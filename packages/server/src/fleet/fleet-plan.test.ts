/**
 * The fleet plan shares one cluster's plan with the clusters of its project that have the same spec. Sharing must
 * not change the answer: every cluster's entry in a plan of the whole fleet equals the plan of that cluster alone,
 * and clusters whose stacks read their own name are planned one by one.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RolloutPlan, RolloutPlanCluster } from '@strata/api';
import { testBackends } from '@strata/testing';
import { PROJECT_URL as P, SANDBOX_INFRA_LAYERS } from '../test/cluster-world.js';
import { startFleetWorld, type FleetWorld } from '../test/fleet-world.js';
import { expectOk, publishProfile } from '../test/harness.js';

/** An add-on profile whose ConfigMap names an owner: literally in 1.0.0, the cluster's own name from 1.1.0. */
const owner = (version: string, value: string) => ({
  metadata: { name: 'owner' },
  spec: {
    type: 'addon',
    version,
    layers: [
      {
        name: 'owner',
        manifest: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: owner, namespace: default}\ndata: {owner: '${value}'}\n`,
      },
    ],
  },
});

const CLUSTERS = ['a1', 'a2', 'a3', 'a4', 'a5'];

for (const backend of await testBackends()) {
  describe(`fleet plan sharing on ${backend.name}`, () => {
    let w: FleetWorld;
    before(async () => {
      w = await startFleetWorld(backend);
      for (const [version, value] of [
        ['1.0.0', 'a1'],
        ['1.1.0', '{{ .system.cluster.name }}'],
      ] as const) {
        await publishProfile(w.s, owner(version, value), P);
      }
      await publishProfile(
        w.s,
        { metadata: { name: 'alt' }, spec: { type: 'full', version: '1.0.0', layers: SANDBOX_INFRA_LAYERS } },
        P,
      );
      const profiles = [
        { name: 'base', version: '1.0.0' },
        { name: 'owner', version: '1.0.0' },
      ];
      // a1–a3 share a spec; a4 differs by a policy, a5 by its profiles.
      for (const name of ['a1', 'a2', 'a3']) await w.create(name, { profiles }, { fleet: 'f', n: name });
      await w.create('a4', { profiles, policy: { drift: 'report' } }, { fleet: 'f' });
      await w.create('a5', {}, { fleet: 'f' });
    });
    after(async () => w?.close());

    const plan = async (target: Record<string, unknown>, change: Record<string, unknown>) =>
      (
        await expectOk(
          w.s.call({
            method: 'POST',
            url: `${P}/rollouts/plan`,
            body: { spec: { target, change, strategy: { batchSize: 2 } } },
          }),
        )
      ).body as unknown as RolloutPlan;

    /** The whole fleet's plan, and each cluster's entry as planned alone (batch aside). */
    const compare = async (change: Record<string, unknown>) => {
      const all = await plan({ selector: 'fleet=f' }, change);
      const alone = new Map<string, Omit<RolloutPlanCluster, 'batch'>>();
      for (const name of CLUSTERS) {
        const { batch: _batch, ...entry } = (await plan({ clusters: [name] }, change)).clusters[0]!;
        alone.set(name, entry);
      }
      for (const { batch: _batch, ...entry } of all.clusters) {
        assert.deepEqual(entry, alone.get(entry.name), `${entry.name}: shared plan = its own plan`);
      }
      return new Map(all.clusters.map((c) => [c.name, c]));
    };

    it('gives every cluster the plan it gets alone, when changes are shared', async () => {
      const byName = await compare({ profile: { name: 'base', version: '1.2.0' } });
      assert.deepEqual(byName.get('a1')?.layers?.added, ['base/extras']);
      assert.equal(byName.get('a5')?.outcome, 'change');
    });

    it('gives every cluster the plan it gets alone, when the change is refused', async () => {
      // A second full profile: two infra profiles are refused on every cluster.
      const byName = await compare({ profile: { name: 'alt', version: '1.0.0' } });
      for (const name of CLUSTERS) assert.equal(byName.get(name)?.outcome, 'blocked', name);
    });

    it('plans clusters whose stacks read their own name one by one', async () => {
      const byName = await compare({ profile: { name: 'owner', version: '1.1.0' } });
      // a1's ConfigMap already named a1: nothing changes there; a2 and a3 get their own names.
      assert.deepEqual(byName.get('a1')?.layers?.changed, []);
      assert.deepEqual(byName.get('a2')?.layers?.changed, ['owner/owner']);
      assert.deepEqual(byName.get('a3')?.layers?.changed, ['owner/owner']);
    });
  });
}
