// The Cluster kind's schema (packages/api/src/kinds/cluster.ts) against the SPEC.md §2 example and bad input.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { API_VERSION, ClusterKind, validateObject } from '@strata/api';
import { loadYaml } from '../yaml/load-yaml.js';

const SPEC_EXAMPLE = `
apiVersion: ${API_VERSION}
kind: Cluster
metadata: {name: shop-eu-1, project: retail}
spec:
  provider: sandbox
  region: eu-west-1
  providerConfig: {}
  kubernetesVersion: from-profile
  nodePools:
    - {name: control-plane, controlPlane: true, count: 1}
    - {name: workers, count: 3, min: 2, max: 6, labels: {tier: web}, taints: [], updateStrategy: {maxSurge: 1, maxUnavailable: "25%"}}
  profiles:
    - {name: base, version: 1.2.0, variables: {podCidr: 10.42.0.0/16}}
    - {name: observability, version: 2.0.1, overrides: {prometheus: {values: "retention: 7d"}}}
  policy: {drift: remediate, repave: require-approval, paused: false}
`;

const rows: { name: string; given: (spec: Record<string, unknown>) => void; expect: string[] }[] = [
  { name: 'the SPEC.md example is valid', given: () => undefined, expect: [] },
  {
    name: 'unknown fields, a bad policy and a bad taint effect are all reported with paths',
    given: (spec) => {
      spec['extra'] = 1;
      spec['policy'] = { drift: 'ignore' };
      spec['nodePools'] = [
        { name: 'cp', controlPlane: true, count: 1, taints: [{ key: 'k', effect: 'Sometimes' }] },
      ];
    },
    expect: ['/spec/extra', '/spec/nodePools/0/taints/0/effect', '/spec/policy/drift'],
  },
  {
    name: 'an import mode other than read-only or full',
    given: (spec) => {
      spec['import'] = { mode: 'write-only' };
    },
    expect: ['/spec/import/mode'],
  },
];

describe('ClusterKind schema', () => {
  it('is project-scoped with the day-2 actions', () => {
    assert.equal(ClusterKind.scope, 'project');
    assert.deepEqual(ClusterKind.actions, [
      'plan',
      'upgrade',
      'scale',
      'approve-repave',
      'kubeconfig',
      'agent-manifest',
      'rotate-agent-token',
      'generate-profile',
    ]);
  });
  for (const row of rows) {
    it(row.name, () => {
      const doc = loadYaml(SPEC_EXAMPLE) as { spec: Record<string, unknown> };
      row.given(doc.spec);
      const paths = [...new Set(validateObject(ClusterKind, doc).map((i) => i.path))].sort();
      assert.deepEqual(paths, row.expect);
    });
  }
});
