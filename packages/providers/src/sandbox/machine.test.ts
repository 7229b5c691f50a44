import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { NodePool } from '@strata/api';
import type { ProviderCluster } from '@strata/provider-sdk';
import { MACHINE_HASH_LABEL, machineHash, nodeFor } from './machine.js';

const pool: NodePool = { name: 'workers', count: 2, cpu: '2', labels: { tier: 'web' } };
const cluster: ProviderCluster = {
  name: 'c1',
  kubernetesVersion: 'v1.36.3',
  osImage: 'ubuntu@24.04.1',
  spec: { provider: 'sandbox', nodePools: [pool] },
};

const rows: {
  name: string;
  given: { cluster?: Partial<ProviderCluster>; pool?: Partial<NodePool> };
  repave: boolean;
}[] = [
  { name: 'labels change in place', given: { pool: { labels: { tier: 'api' } } }, repave: false },
  {
    name: 'taints change in place',
    given: { pool: { taints: [{ key: 'k', effect: 'NoSchedule' }] } },
    repave: false,
  },
  { name: 'count does not change the machine', given: { pool: { count: 5 } }, repave: false },
  { name: 'cpu repaves', given: { pool: { cpu: '4' } }, repave: true },
  { name: 'memory repaves', given: { pool: { memory: '8Gi' } }, repave: true },
  { name: 'instanceType repaves', given: { pool: { instanceType: 'm7i.large' } }, repave: true },
  { name: 'OS image repaves', given: { cluster: { osImage: 'ubuntu@24.04.2' } }, repave: true },
  { name: 'Kubernetes version repaves', given: { cluster: { kubernetesVersion: 'v1.37.0' } }, repave: true },
];

describe('machineHash', () => {
  for (const row of rows) {
    it(row.name, () => {
      const changed = machineHash({ ...cluster, ...row.given.cluster }, { ...pool, ...row.given.pool });
      assert.equal(changed !== machineHash(cluster, pool), row.repave);
    });
  }
});

describe('nodeFor', () => {
  it('builds a kwok node with pool label, machine hash, capacity and version', () => {
    const node = nodeFor(cluster, { ...pool, controlPlane: true }, 'workers-0');
    assert.equal(node.metadata?.labels?.['strata.dev/node-pool'], 'workers');
    assert.equal(node.metadata?.labels?.['tier'], 'web');
    assert.equal(
      node.metadata?.labels?.[MACHINE_HASH_LABEL],
      machineHash(cluster, { ...pool, controlPlane: true }),
    );
    assert.equal(node.metadata?.annotations?.['kwok.x-k8s.io/node'], 'fake');
    assert.equal(node.status?.capacity?.['cpu'], '2');
    assert.equal(node.status?.nodeInfo?.kubeletVersion, 'v1.36.3');
    assert.deepEqual(node.spec?.taints, [
      { key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' },
    ]);
  });
});
