import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { ClusterPlan, PoolPlan, StackDiff, StackLayerChange } from '@strata/api';
import { clusterPlanText } from './cluster-plan.js';

const noObjects = (): StackLayerChange['objects'] => ({ added: [], removed: [], changed: [] });
const layerChange = (name: string, over: Partial<StackLayerChange> = {}): StackLayerChange => ({
  profile: 'base',
  name,
  hash: { from: 'sha256:1', to: 'sha256:2' },
  fields: [],
  values: { changes: [], text: '' },
  objects: noObjects(),
  ...over,
});
const layers = (over: Partial<StackDiff> = {}): StackDiff => ({
  from: 'sha256:a',
  to: 'sha256:b',
  added: [],
  removed: [],
  reordered: [],
  changed: [],
  unchanged: false,
  ...over,
});
const plan = (over: Partial<ClusterPlan> = {}): ClusterPlan => ({
  pools: [],
  repave: [],
  approvalRequired: false,
  paused: false,
  unchanged: false,
  ...over,
});
const repaved = (
  name: string,
  controlPlane: boolean,
  reasons: NonNullable<PoolPlan['repave']>['reasons'],
) => ({
  name,
  controlPlane,
  repave: { reasons },
  inPlace: [],
});
const ingressValues = layerChange('ingress-nginx', {
  values: {
    changes: [{ path: '/controller/replicaCount', type: 'changed', from: 2, to: 5 }],
    text: '--- a/ingress-nginx/values.yaml\n+++ b/ingress-nginx/values.yaml\n',
  },
});

interface Row {
  name: string;
  given: ClusterPlan;
  /** The whole text, or lines that must (and must not) appear. */
  expect: string | { lines: string[]; not?: RegExp[] };
}

const rows: Row[] = [
  {
    name: 'values-only add-on change: the values diff, no pools, no repave and no approval',
    given: plan({ layers: layers({ changed: [ingressValues] }) }),
    expect: [
      'Plan for cluster/shop:',
      'Layers:',
      '  ~ base/ingress-nginx (changed)',
      '      values:',
      '        ~ /controller/replicaCount: 2 -> 5',
      'No approval needed: no node pool is repaved.',
      '',
    ].join('\n'),
  },
  {
    name: 'OS layer change: every pool repaved (control plane first) with the reason, approval required',
    given: plan({
      layers: layers({
        changed: [
          layerChange('ubuntu', {
            fields: [{ field: 'source', from: { version: '24.04.1' }, to: { version: '24.04.2' } }],
            values: {
              changes: [{ path: '/image', type: 'changed', from: '24.04.1', to: '24.04.2' }],
              text: '',
            },
          }),
        ],
      }),
      pools: [repaved('control-plane', true, ['os']), repaved('workers', false, ['os'])],
      repave: ['control-plane', 'workers'],
      approvalRequired: true,
    }),
    expect: [
      'Plan for cluster/shop:',
      'Layers:',
      '  ~ base/ubuntu (changed)',
      '      source: {"version":"24.04.1"} -> {"version":"24.04.2"}',
      '      values:',
      '        ~ /image: "24.04.1" -> "24.04.2"',
      'Node pools:',
      '  ~ control-plane (control plane): repave (OS layer changed)',
      '  ~ workers: repave (OS layer changed)',
      'Approval required: the repave of control-plane, workers waits for "strata cluster approve-repave shop -p retail".',
      '',
    ].join('\n'),
  },
  {
    name: 'Kubernetes version change under policy.repave automatic: version line, repave without approval',
    given: plan({
      kubernetesVersion: { from: 'v1.36.3', to: 'v1.37.0' },
      pools: [
        repaved('control-plane', true, ['kubernetes']),
        { ...repaved('workers', false, ['kubernetes', 'machine']), scale: { from: 3, to: 4 } },
      ],
      repave: ['control-plane', 'workers'],
    }),
    expect: {
      lines: [
        'Kubernetes version: v1.36.3 -> v1.37.0',
        '  ~ control-plane (control plane): repave (Kubernetes version changed)',
        '  ~ workers: scale 3 -> 4; repave (Kubernetes version changed, machine shape changed)',
        'No approval needed: control-plane, workers repave automatically (policy.repave: automatic).',
      ],
      not: [/Approval required/, /Paused/],
    },
  },
  {
    name: 'paused: the plan and a line saying nothing is applied',
    given: plan({
      layers: layers({ changed: [ingressValues] }),
      pools: [repaved('workers', false, ['machine'])],
      repave: ['workers'],
      approvalRequired: true,
      paused: true,
    }),
    expect: {
      lines: [
        '  ~ workers: repave (machine shape changed)',
        'Approval required: the repave of workers waits for "strata cluster approve-repave shop -p retail".',
        'Paused: policy.paused is set; nothing is applied until the cluster is unpaused.',
      ],
    },
  },
  {
    name: 'unchanged: one line',
    given: plan({ layers: layers({ unchanged: true }), unchanged: true }),
    expect: 'Plan for cluster/shop: no changes\n',
  },
  {
    name: 'unchanged but paused: still says paused',
    given: plan({ unchanged: true, paused: true }),
    expect:
      'Plan for cluster/shop: no changes\nPaused: policy.paused is set; nothing is applied until the cluster is unpaused.\n',
  },
  {
    name: 'layers added, removed and moved (1-based positions); pools created, deleted and changed in place',
    given: plan({
      layers: layers({
        added: [{ profile: 'obs', name: 'prometheus', index: 4 }],
        removed: [{ profile: 'base', name: 'old-ingress', index: 3 }],
        reordered: [{ profile: 'base', name: 'namespaces', from: 5, to: 4 }],
      }),
      pools: [
        { name: 'gpu', controlPlane: false, lifecycle: 'create', scale: { from: 0, to: 1 }, inPlace: [] },
        { name: 'legacy', controlPlane: false, lifecycle: 'delete', scale: { from: 3, to: 0 }, inPlace: [] },
        { name: 'workers', controlPlane: false, inPlace: ['labels', 'taints'] },
      ],
    }),
    expect: {
      lines: [
        '  + obs/prometheus (added at position 5)',
        '  - base/old-ingress (removed from position 4)',
        '  > base/namespaces (moved from position 6 to 5)',
        '  + gpu: create with 1 node',
        '  - legacy: delete (3 nodes)',
        '  ~ workers: in place: labels, taints',
        'No approval needed: no node pool is repaved.',
      ],
    },
  },
  {
    name: 'manifest layer: objects added, removed and changed; a text values diff when no structured change',
    given: plan({
      layers: layers({
        changed: [
          layerChange('team', {
            values: {
              changes: [],
              text: '--- a/team/values.yaml\n+++ b/team/values.yaml\n@@ -1 +1 @@\n-# a\n+# b\n',
            },
            objects: {
              added: [{ apiVersion: 'v1', kind: 'Namespace', name: 'squad-apps' }],
              removed: [{ apiVersion: 'v1', kind: 'Namespace', name: 'team-apps' }],
              changed: [
                {
                  object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'kube-system', name: 'team' },
                  changes: [{ path: '/data/owner', type: 'changed', from: 'a', to: 'b' }],
                },
              ],
            },
          }),
        ],
      }),
    }),
    expect: {
      lines: [
        '  ~ base/team (changed)',
        '      values:',
        '        --- a/team/values.yaml',
        '        -# a',
        '      objects:',
        '        + Namespace squad-apps',
        '        - Namespace team-apps',
        '        ~ ConfigMap kube-system/team',
        '            ~ /data/owner: "a" -> "b"',
      ],
    },
  },
];

describe('clusterPlanText', () => {
  for (const row of rows) {
    it(row.name, () => {
      const text = clusterPlanText(row.given, { cluster: 'shop', project: 'retail' });
      if (typeof row.expect === 'string') {
        assert.equal(text, row.expect);
        return;
      }
      const lines = text.split('\n');
      for (const line of row.expect.lines)
        assert.ok(lines.includes(line), `missing line ${JSON.stringify(line)} in\n${text}`);
      for (const pattern of row.expect.not ?? []) assert.doesNotMatch(text, pattern);
    });
  }

  it('leaves -p out of the approve hint when no project is given', () => {
    const text = clusterPlanText(
      plan({ pools: [repaved('workers', false, ['os'])], repave: ['workers'], approvalRequired: true }),
      { cluster: 'shop' },
    );
    assert.match(text, /waits for "strata cluster approve-repave shop"\.\n$/);
  });
});
