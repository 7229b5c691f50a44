import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSpec } from '@strata/api';
import { hashStack, type ResolvedLayer, type ResolvedStack } from '../profiles/resolved-stack.js';
import { resolveProfiles } from '../profiles/resolve-profiles.js';
import { exampleProfile, testCatalog } from '../profiles/test-fixtures.js';
import { planClusterChange, type ClusterPlan, type ClusterSnapshot } from './plan-cluster-change.js';

const spec = (over: Partial<ClusterSpec> = {}): ClusterSpec => ({
  provider: 'sandbox',
  nodePools: [
    { name: 'workers', count: 3, min: 2, max: 6, labels: { tier: 'web' } },
    { name: 'control-plane', controlPlane: true, count: 1 },
  ],
  ...over,
});

function layer(
  name: string,
  kind: ResolvedLayer['layer'],
  values: Record<string, string> = {},
): ResolvedLayer {
  return {
    profile: { name: 'base', version: '1.0.0' },
    name,
    layer: kind,
    type: 'manifest',
    source: { manifest: true },
    values,
    manifests: [],
    hash: `${name}:${JSON.stringify(values)}`,
  };
}
function stack(layers: ResolvedLayer[], kubernetesVersion = '1.36.3'): ResolvedStack {
  return { layers, hash: hashStack(layers), kubernetesVersion, sensitive: [] };
}
const baseLayers = (): ResolvedLayer[] => [
  layer('ubuntu', 'os', { image: '24.04.1' }),
  layer('kubernetes', 'k8s', { podCIDR: '10.42.0.0/16' }),
  layer('calico', 'cni'),
  layer('ingress', 'addon', { replicas: '2' }),
];

interface Row {
  name: string;
  /** Both sides default to spec() with the base stack; `stacks: false` drops the stacks. */
  given: { current?: Partial<ClusterSnapshot>; proposed: Partial<ClusterSnapshot>; stacks?: false };
  expect: (plan: ClusterPlan) => void;
}

const rows: Row[] = [
  {
    name: 'values-only add-on change → changed layer with values diff, no repave',
    given: {
      proposed: {
        stack: stack([...baseLayers().slice(0, 3), layer('ingress', 'addon', { replicas: '5' })]),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, []);
      assert.equal(p.approvalRequired, false);
      assert.deepEqual(p.pools, []);
      assert.deepEqual(
        p.layers?.changed.map((c) => c.name),
        ['ingress'],
      );
      assert.match(p.layers?.changed[0]?.values.text ?? '', /\+replicas: "?5"?/);
      assert.equal(p.unchanged, false);
    },
  },
  {
    name: 'OS layer change → repave of every pool, control plane first, approval needed',
    given: {
      proposed: {
        stack: stack([layer('ubuntu', 'os', { image: '24.04.2' }), ...baseLayers().slice(1)]),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, ['control-plane', 'workers']);
      assert.deepEqual(p.pools[0]?.repave, { reasons: ['os'] });
      assert.equal(p.approvalRequired, true);
    },
  },
  {
    name: 'k8s layer version change → repave with reason kubernetes and a version change',
    given: {
      proposed: {
        stack: stack(
          [
            baseLayers()[0] as ResolvedLayer,
            layer('kubernetes', 'k8s', { v: '1.37.0' }),
            ...baseLayers().slice(2),
          ],
          '1.37.0',
        ),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, ['control-plane', 'workers']);
      assert.deepEqual(p.kubernetesVersion, { from: 'v1.36.3', to: 'v1.37.0' });
      assert.ok(p.pools.every((pool) => pool.repave?.reasons.includes('kubernetes')));
    },
  },
  {
    name: 'explicit spec.kubernetesVersion change without stacks → repave',
    given: {
      current: { spec: spec({ kubernetesVersion: 'v1.36.3' }) },
      proposed: { spec: spec({ kubernetesVersion: '1.37.1' }) },
      stacks: false,
    },
    expect: (p) => {
      assert.equal(p.layers, undefined);
      assert.deepEqual(p.repave, ['control-plane', 'workers']);
    },
  },
  {
    name: 'count change → scale only',
    given: {
      proposed: {
        spec: spec({
          nodePools: [
            { name: 'workers', count: 5, min: 2, max: 6, labels: { tier: 'web' } },
            { name: 'control-plane', controlPlane: true, count: 1 },
          ],
        }),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.pools, [
        { name: 'workers', controlPlane: false, scale: { from: 3, to: 5 }, inPlace: [] },
      ]);
      assert.deepEqual(p.repave, []);
    },
  },
  {
    name: 'instanceType change → repave of that pool only',
    given: {
      proposed: {
        spec: spec({
          nodePools: [
            { name: 'workers', count: 3, min: 2, max: 6, labels: { tier: 'web' }, cpu: '4' },
            { name: 'control-plane', controlPlane: true, count: 1 },
          ],
        }),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, ['workers']);
      assert.deepEqual(p.pools[0]?.repave, { reasons: ['machine'] });
    },
  },
  {
    name: 'labels and taints change in place, no repave',
    given: {
      proposed: {
        spec: spec({
          nodePools: [
            {
              name: 'workers',
              count: 3,
              min: 2,
              max: 6,
              labels: { tier: 'api' },
              taints: [{ key: 'dedicated', effect: 'NoSchedule' }],
            },
            { name: 'control-plane', controlPlane: true, count: 1 },
          ],
        }),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, []);
      assert.deepEqual(p.pools[0]?.inPlace, ['labels', 'taints']);
    },
  },
  {
    name: 'repave with policy automatic → no approval; paused is reported',
    given: {
      proposed: {
        spec: spec({ kubernetesVersion: 'v1.37.0', policy: { repave: 'automatic', paused: true } }),
      },
    },
    expect: (p) => {
      assert.deepEqual(p.repave, ['control-plane', 'workers']);
      assert.equal(p.approvalRequired, false);
      assert.equal(p.paused, true);
    },
  },
  {
    name: 'added and removed pools → create/delete, not repave',
    given: {
      proposed: {
        spec: spec({
          nodePools: [
            { name: 'control-plane', controlPlane: true, count: 1 },
            { name: 'gpu', count: 2 },
          ],
        }),
      },
    },
    expect: (p) => {
      assert.deepEqual(
        p.pools.map((x) => [x.name, x.lifecycle, x.scale]),
        [
          ['gpu', 'create', { from: 0, to: 2 }],
          ['workers', 'delete', { from: 3, to: 0 }],
        ],
      );
      assert.deepEqual(p.repave, []);
    },
  },
  {
    name: 'removed add-on layer → listed as removed, no repave',
    given: { proposed: { stack: stack(baseLayers().slice(0, 3)) } },
    expect: (p) => {
      assert.deepEqual(
        p.layers?.removed.map((r) => r.name),
        ['ingress'],
      );
      assert.deepEqual(p.repave, []);
    },
  },
  {
    name: 'same spec and stack → unchanged',
    given: { proposed: {} },
    expect: (p) => {
      assert.equal(p.unchanged, true);
      assert.deepEqual(p.pools, []);
    },
  },
];

describe('planClusterChange', () => {
  for (const row of rows) {
    it(row.name, () => {
      const side = (over?: Partial<ClusterSnapshot>): ClusterSnapshot => ({
        spec: spec(),
        ...(row.given.stacks === false ? {} : { stack: stack(baseLayers()) }),
        ...over,
      });
      const current = side(row.given.current);
      const proposed = side(row.given.proposed);
      row.expect(planClusterChange({ current, proposed }));
    });
  }

  it('real resolved stacks: an add-on override changes values only → no repave', () => {
    const catalog = testCatalog();
    const resolve = (overrides?: Record<string, { values: string }>): ResolvedStack =>
      resolveProfiles({
        profiles: [
          {
            profile: exampleProfile(),
            variables: { registryPassword: 'x' },
            ...(overrides ? { overrides } : {}),
          },
        ],
        catalog,
        macros: { tenant: { registry: 'r.example.org' } },
        system: {
          cluster: { name: 'c1', uid: 'u1' },
          project: { name: 'p' },
          provider: 'sandbox',
          region: 'local',
        },
      });
    const plan = planClusterChange({
      current: { spec: spec(), stack: resolve() },
      proposed: {
        spec: spec(),
        stack: resolve({ 'ingress-nginx': { values: 'controller: {replicaCount: 7}' } }),
      },
    });
    assert.deepEqual(
      plan.layers?.changed.map((c) => c.name),
      ['ingress-nginx'],
    );
    assert.deepEqual(plan.repave, []);
    const osChange = planClusterChange({
      current: { spec: spec(), stack: resolve() },
      proposed: { spec: spec(), stack: resolve({ ubuntu: { values: 'extra: 1' } }) },
    });
    assert.deepEqual(osChange.repave, ['control-plane', 'workers']);
  });
});
