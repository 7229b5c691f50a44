import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observeCluster, type ObservedObject } from './observe.js';

const cond = (type: string, status: 'True' | 'False' | 'Unknown', reason = '', message = '') => ({
  type,
  status,
  reason,
  message,
});

const cluster = (status: Record<string, unknown>, spec: Record<string, unknown> = {}): ObservedObject =>
  ({ kind: 'Cluster', metadata: { name: 'dev-1' }, spec, status }) as ObservedObject;
const kcp: ObservedObject = {
  kind: 'KubeadmControlPlane',
  metadata: { name: 'dev-1-control-plane' },
  spec: { replicas: 3, version: 'v1.35.1' },
  status: { replicas: 3, readyReplicas: 2, upToDateReplicas: 1, version: 'v1.35.0' },
};
const md = (pool: string, status: Record<string, unknown>, conditions: unknown[] = []): ObservedObject =>
  ({
    kind: 'MachineDeployment',
    metadata: { name: `dev-1-${pool}`, labels: { 'strata.dev/node-pool': pool } },
    spec: { replicas: 2, template: { spec: { version: 'v1.35.0' } } },
    status: { ...status, conditions },
  }) as ObservedObject;

describe('observeCluster', () => {
  it('reports nothing as ready before the Cluster exists', () => {
    const o = observeCluster({ machineDeployments: [], poolLabel: 'strata.dev/node-pool' });
    assert.equal(o.exists, false);
    assert.equal(o.infrastructureReady, false);
    assert.equal(o.controlPlaneReady, false);
    assert.deepEqual(o.problems, []);
  });

  it('reads initialization, availability, the endpoint, pause and per-pool replicas', () => {
    const o = observeCluster({
      cluster: cluster(
        {
          initialization: { infrastructureProvisioned: true, controlPlaneInitialized: true },
          conditions: [cond('ControlPlaneAvailable', 'True'), cond('Available', 'True')],
        },
        { paused: true, controlPlaneEndpoint: { host: '127.0.0.1', port: 20000 } },
      ),
      controlPlane: kcp,
      machineDeployments: [
        md('workers', { replicas: 2, readyReplicas: 2, upToDateReplicas: 2 }),
        md('gpu', { replicas: 1 }),
      ],
      poolLabel: 'strata.dev/node-pool',
    });
    assert.equal(o.infrastructureReady, true);
    assert.equal(o.controlPlaneInitialized, true);
    assert.equal(o.controlPlaneReady, true);
    assert.equal(o.available, true);
    assert.equal(o.paused, true);
    assert.equal(o.endpoint, 'https://127.0.0.1:20000');
    assert.equal(
      o.kubernetesVersion,
      'v1.35.0',
      'the version the control plane runs, not the one it is asked for',
    );
    assert.deepEqual(o.controlPlane, {
      name: 'control-plane',
      desired: 3,
      replicas: 3,
      ready: 2,
      upToDate: 1,
      current: true,
      version: 'v1.35.1',
    });
    assert.deepEqual(
      o.pools.map((p) => [p.name, p.desired, p.replicas, p.ready, p.upToDate, p.version]),
      [
        ['gpu', 2, 1, 0, 0, 'v1.35.0'],
        ['workers', 2, 2, 2, 2, 'v1.35.0'],
      ],
    );
  });

  it('names the object and condition of each problem, and only false conditions with a message', () => {
    const o = observeCluster({
      cluster: cluster({
        conditions: [
          cond(
            'InfrastructureReady',
            'False',
            'NotReady',
            'DevCluster status.initialization.provisioned is false',
          ),
          cond('RollingOut', 'False', 'NotRollingOut'),
          cond('Available', 'Unknown', 'Waiting', 'x'),
        ],
      }),
      machineDeployments: [
        md('workers', {}, [
          cond('Available', 'False', 'NotAvailable', '0 available replicas, at least 2 required'),
        ]),
      ],
      poolLabel: 'strata.dev/node-pool',
    });
    assert.deepEqual(o.problems, [
      {
        object: 'Cluster/dev-1',
        condition: 'InfrastructureReady',
        reason: 'NotReady',
        message: 'DevCluster status.initialization.provisioned is false',
      },
      {
        object: 'MachineDeployment/dev-1-workers',
        condition: 'Available',
        reason: 'NotAvailable',
        message: '0 available replicas, at least 2 required',
      },
    ]);
  });

  it('tells whether the controller has seen the latest spec', () => {
    const pools = (observedGeneration: number) =>
      observeCluster({
        machineDeployments: [
          {
            ...md('workers', { observedGeneration }),
            metadata: { name: 'w', generation: 4, labels: { 'strata.dev/node-pool': 'workers' } },
          },
        ],
        poolLabel: 'strata.dev/node-pool',
      }).pools;
    assert.equal(pools(3)[0]!.current, false);
    assert.equal(pools(4)[0]!.current, true);
  });

  it('ignores malformed status fields instead of failing', () => {
    const o = observeCluster({
      cluster: cluster({ initialization: 'yes', conditions: [null, { type: 1 }] }),
      controlPlane: {
        kind: 'KubeadmControlPlane',
        metadata: { name: 'cp' },
        status: { replicas: 'three' },
      },
      machineDeployments: [],
      poolLabel: 'strata.dev/node-pool',
    });
    assert.equal(o.infrastructureReady, false);
    assert.equal(o.controlPlane?.replicas, 0);
  });
});
