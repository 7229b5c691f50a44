import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSpec } from '@strata/api';
import { pendingRepave, type PendingRepave } from './pending-repave.js';
import { planClusterChange } from './plan-cluster-change.js';

const spec = (over: Partial<ClusterSpec> = {}, workerCpu = '2'): ClusterSpec => ({
  provider: 'sandbox',
  kubernetesVersion: 'v1.36.3',
  nodePools: [
    { name: 'control-plane', controlPlane: true, count: 1 },
    { name: 'workers', count: 3, cpu: workerCpu },
  ],
  ...over,
});

const rows: { name: string; given: ClusterSpec; expect: PendingRepave | undefined }[] = [
  { name: 'scale only → nothing pending', given: spec({}, '2'), expect: undefined },
  {
    name: 'version change → every pool, approval required',
    given: spec({ kubernetesVersion: 'v1.37.0' }),
    expect: { reason: 'Kubernetes v1.36.3 → v1.37.0', pools: ['control-plane', 'workers'], approved: false },
  },
  {
    name: 'machine change with automatic repave → approved',
    given: spec({ policy: { repave: 'automatic' } }, '4'),
    expect: { reason: 'machine spec of workers changed', pools: ['workers'], approved: true },
  },
];

describe('pendingRepave', () => {
  for (const row of rows) {
    it(row.name, () => {
      const plan = planClusterChange({ current: { spec: spec() }, proposed: { spec: row.given } });
      assert.deepEqual(pendingRepave(plan), row.expect);
    });
  }
});
