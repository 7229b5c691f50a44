/**
 * The Cluster API provider against the real v1.14 managers and the in-memory infrastructure on an embedded gateway
 * (a sandbox management cluster). Needs scripts/setup-local-k8s.sh and scripts/setup-capi.sh (npm test runs both);
 * fails, never skips, without them.
 *
 * What only Cluster API promises beyond the shared conformance suite (capi-conformance.test.ts): machines of every
 * pool rolled onto a new template, and an upgrade of the control plane then the workers.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { CAPI_VERSION, IN_MEMORY, type GatewayClient, type Unstructured } from '@strata/capi';
import {
  classifyProviderError,
  ProviderError,
  type ClusterProgress,
  type ProviderCluster,
} from '@strata/provider-sdk';
import { converge, withPool } from '@strata/provider-sdk/conformance';
import { leftOnGateway, startTestGateway, type TestGateway } from '../test/capi-gateway.js';
import { CapiProvider } from './capi-provider.js';

const TIMEOUT = 240_000;
const NS = 'strata';

describe('CapiProvider (capi-dev): a cluster through the real Cluster API controllers', () => {
  let gateway: TestGateway | undefined;
  let client: GatewayClient;
  let provider: CapiProvider;
  let cluster: ProviderCluster = {
    name: `capi-${process.pid}`,
    kubernetesVersion: 'v1.35.0',
    spec: {
      provider: 'capi-dev',
      nodePools: [
        { name: 'control-plane', controlPlane: true, count: 1 },
        { name: 'workers', count: 2, updateStrategy: { maxSurge: 1, maxUnavailable: 0 } },
      ],
    },
  };

  const machines = async (): Promise<Unstructured[]> =>
    client.list(CAPI_VERSION, 'Machine', NS, `cluster.x-k8s.io/cluster-name=${cluster.name}`);
  const workerMachines = async () =>
    (await machines()).filter(
      (m) => (m.metadata['labels'] as Record<string, string>)['strata.dev/node-pool'] === 'workers',
    );
  const pool = (p: ClusterProgress, name: string) => p.nodePools.find((x) => x.name === name);

  /** Calls repavePool the way the controller does until that pool has no outdated node and everything is ready. */
  async function repave(poolName: string): Promise<ClusterProgress> {
    const deadline = Date.now() + TIMEOUT;
    let last: ClusterProgress | undefined;
    while (Date.now() < deadline) {
      last = await provider.repavePool(cluster, { pool: poolName });
      if (last.ready && pool(last, poolName)?.outdated === 0) return last;
      await sleep(1000);
    }
    throw new Error(`repave of ${poolName} did not finish: ${last?.message ?? ''}`);
  }

  before(async () => {
    gateway = await startTestGateway('gw-provider');
    client = gateway.client;
    provider = new CapiProvider({
      name: 'capi-dev',
      infrastructure: IN_MEMORY,
      gateway: async () => client,
      kubernetesVersions: ['v1.35.0', 'v1.35.1'],
    });
  });

  after(async () => {
    await gateway?.stop();
  });

  it('refuses a version it cannot build before creating anything (terminal, names the versions)', async () => {
    const other = { ...cluster, name: `${cluster.name}-v`, kubernetesVersion: 'v1.0.0' };
    await assert.rejects(provider.ensure(other), (err: unknown) => {
      assert.ok(err instanceof ProviderError);
      assert.equal(err.code, 'STRATA_PROVIDER_UNSUPPORTED');
      assert.equal(classifyProviderError(err), 'terminal');
      assert.match(err.message, /v1\.0\.0.*v1\.35\.0, v1\.35\.1/);
      return true;
    });
    assert.deepEqual(await client.list(CAPI_VERSION, 'Cluster', NS), []);
  });

  it('creates the cluster and reports control plane, pools, version and endpoint from CAPI', async () => {
    const p = await converge(provider, cluster, TIMEOUT);
    assert.equal(p.infrastructureReady, true);
    assert.equal(p.controlPlaneReady, true);
    assert.equal(p.kubernetesVersion, 'v1.35.0');
    assert.match(p.endpoint ?? '', /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.deepEqual(
      p.nodePools.map(({ name, desired, ready, outdated, version }) => ({
        name,
        desired,
        ready,
        outdated,
        version,
      })),
      [
        { name: 'control-plane', desired: 1, ready: 1, outdated: 0, version: 'v1.35.0' },
        { name: 'workers', desired: 2, ready: 2, outdated: 0, version: 'v1.35.0' },
      ],
    );
    const again = await provider.ensure(cluster);
    assert.equal(again.ready, true, 'ensure on a converged cluster changes nothing');
    assert.match(await provider.kubeconfig(cluster), /certificate-authority-data/);
  });

  it('scales a pool through ensure', async () => {
    cluster = withPool(cluster, 'workers', { count: 3 });
    assert.equal(pool(await converge(provider, cluster, TIMEOUT), 'workers')?.ready, 3);
    assert.equal((await workerMachines()).length, 3);
    cluster = withPool(cluster, 'workers', { count: 2 });
    assert.equal(pool(await converge(provider, cluster, TIMEOUT), 'workers')?.ready, 2);
  });

  it('a machine change: ensure reports the pool outdated and keeps it; repavePool rolls it onto a new template', async () => {
    const before = new Set((await workerMachines()).map((m) => m.metadata['uid']));
    cluster = withPool(cluster, 'workers', { instanceType: 'large' });
    const pending = await provider.ensure(cluster);
    assert.equal(pool(pending, 'workers')?.outdated, 2, 'every worker is outdated');
    assert.equal(pool(pending, 'control-plane')?.outdated, 0);
    await sleep(3000);
    assert.deepEqual(
      new Set((await workerMachines()).map((m) => m.metadata['uid'])),
      before,
      'ensure did not repave',
    );
    const done = await repave('workers');
    assert.equal(pool(done, 'workers')?.ready, 2);
    const now = await workerMachines();
    assert.equal(now.length, 2);
    assert.ok(
      now.every((m) => !before.has(m.metadata['uid'])),
      'every worker Machine was replaced',
    );
  });

  it('a version change: ensure keeps the running version; repavePool upgrades the control plane, then the workers', async () => {
    cluster = { ...cluster, kubernetesVersion: 'v1.35.1' };
    const pending = await provider.ensure(cluster);
    assert.equal(pending.kubernetesVersion, 'v1.35.0', 'ensure never changes the running version');
    assert.ok(
      pending.nodePools.every((p) => p.outdated === p.desired),
      'every node is outdated',
    );
    const cp = await repave('control-plane');
    assert.equal(cp.kubernetesVersion, 'v1.35.1');
    const workers = await repave('workers');
    assert.deepEqual(
      workers.nodePools.map((p) => [p.name, p.version, p.outdated]),
      [
        ['control-plane', 'v1.35.1', 0],
        ['workers', 'v1.35.1', 0],
      ],
    );
    assert.ok(
      (await machines()).every((m) => (m['spec'] as Record<string, unknown>)['version'] === 'v1.35.1'),
    );
  });

  it('deletes in order and leaves nothing on the gateway', async () => {
    let result = await provider.delete(cluster);
    const deadline = Date.now() + TIMEOUT;
    while (!result.done && Date.now() < deadline) {
      await sleep(1000);
      result = await provider.delete(cluster);
    }
    assert.deepEqual(result, { done: true });
    assert.deepEqual(await provider.delete(cluster), { done: true }, 'delete is idempotent');
    assert.deepEqual(
      await leftOnGateway(client, cluster.name),
      [],
      'nothing of the cluster is left on the gateway',
    );
  });
});
