/**
 * The embedded gateway with the real Cluster API v1.14 managers against a real kube-apiserver (sandbox), and a
 * rendered in-memory cluster taken through its lifecycle by them. Needs scripts/setup-local-k8s.sh and
 * scripts/setup-capi.sh (npm test runs both); fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox, waitUntil } from '@strata/sandbox';
import { requireSandboxBinaries } from '@strata/testing';
import { CAPI_SETUP_HINT, findCapiBuild } from './binaries.js';
import { EmbeddedGateway, type EmbeddedGatewayStatus } from './gateway.js';
import { apiMessage, type GatewayClient, type Unstructured } from './kube.js';
import { CAPI_VERSION, IN_MEMORY, ObjectSetRenderer, type ClusterInput } from './render.js';

type Obj = Unstructured;

function field(object: Obj | undefined, ...path: string[]): unknown {
  return path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], object);
}

function conditionTrue(object: Obj | undefined, type: string): boolean {
  const conditions = (object?.status?.['conditions'] ?? []) as { type: string; status: string }[];
  return conditions.some((c) => c.type === type && c.status === 'True');
}

function num(object: Obj | undefined, ...path: string[]): number | undefined {
  const v = path.reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], object);
  return typeof v === 'number' ? v : undefined;
}

describe('EmbeddedGateway: real Cluster API managers on a sandbox management cluster', () => {
  let stateRoot = '';
  let gateway: EmbeddedGateway;
  let status: EmbeddedGatewayStatus;
  let client: GatewayClient;
  const renderer = new ObjectSetRenderer(IN_MEMORY);
  const namespace = 'default';

  before(async () => {
    const binDir = await requireSandboxBinaries();
    const build = await findCapiBuild();
    if (!build)
      throw new Error(
        `the gateway tests need the Cluster API managers, which are not built: ${CAPI_SETUP_HINT}`,
      );
    stateRoot = await mkdtemp(join(tmpdir(), 'strata-gateway-'));
    gateway = new EmbeddedGateway({
      sandbox: new Sandbox({ stateRoot: join(stateRoot, 'sandbox'), binDir }),
      name: 'gw-test',
      dir: join(stateRoot, 'gateway'),
      build,
    });
    status = await gateway.ensure();
    client = await gateway.client();
  });

  after(async () => {
    await gateway?.delete().catch(() => undefined);
    if (stateRoot) await rm(stateRoot, { recursive: true, force: true });
  });

  it('runs the four managers with the CRDs (contract labels) and webhooks installed', async () => {
    assert.deepEqual(
      status.components.map((c) => [c.component, c.ready]),
      [
        ['core', true],
        ['bootstrap-kubeadm', true],
        ['controlplane-kubeadm', true],
        ['infrastructure-in-memory', true],
      ],
    );
    assert.equal(status.clusterApiVersion, 'v1.14.2');
    const crd = (await client.get({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      name: 'devclusters.infrastructure.cluster.x-k8s.io',
    })) as Obj;
    assert.equal((crd.metadata['labels'] as Record<string, string>)['cluster.x-k8s.io/v1beta2'], 'v1beta2');
    assert.equal(status.webhooks, 8, 'a mutating and a validating configuration per component');
  });

  it('validates through the registered webhooks: an even KubeadmControlPlane replica count is refused', async () => {
    const [kcp] = renderer
      .render({
        name: 'probe',
        namespace,
        uid: 'u',
        kubernetesVersion: 'v1.35.0',
        controlPlane: { replicas: 2 },
        pools: [],
      })
      .filter((o) => o.kind === 'KubeadmControlPlane');
    await assert.rejects(client.apply(kcp!, { dryRun: true }), (err: unknown) => {
      assert.match(apiMessage(err), /even/i);
      return true;
    });
  });

  it('converts through the registered webhook: a v1beta2 DevCluster reads as v1beta1', async () => {
    const [devCluster] = renderer
      .render({
        name: 'conv',
        namespace,
        uid: 'u',
        kubernetesVersion: 'v1.35.0',
        controlPlane: { replicas: 1 },
        pools: [],
      })
      .filter((o) => o.kind === 'DevCluster');
    await client.apply(devCluster!);
    const old = await client.get({
      apiVersion: 'infrastructure.cluster.x-k8s.io/v1beta1',
      kind: 'DevCluster',
      name: 'conv',
      namespace,
    });
    assert.equal(old?.apiVersion, 'infrastructure.cluster.x-k8s.io/v1beta1');
    await client.delete({ apiVersion: devCluster!.apiVersion, kind: 'DevCluster', name: 'conv', namespace });
  });

  it(
    'takes an in-memory cluster through create, scale, upgrade, pause and delete',
    { timeout: 900_000 },
    async () => {
      const input: ClusterInput = {
        name: 'dev-1',
        namespace,
        uid: '5f0f7d6c-0000-4000-8000-000000000001',
        kubernetesVersion: 'v1.35.0',
        controlPlane: { replicas: 1 },
        pools: [{ name: 'workers', replicas: 2 }],
      };
      const apply = async (next: ClusterInput) => {
        for (const object of renderer.render(next)) await client.apply(object);
      };
      const read = async (kind: string, name: string, apiVersion = CAPI_VERSION) =>
        await client.get({ apiVersion, kind, name, namespace });
      const kcp = () =>
        read('KubeadmControlPlane', 'dev-1-control-plane', 'controlplane.cluster.x-k8s.io/v1beta2');
      const md = () => read('MachineDeployment', 'dev-1-workers');
      const machinesAt = async (version: string) =>
        (await client.list(CAPI_VERSION, 'Machine', namespace, 'cluster.x-k8s.io/cluster-name=dev-1')).filter(
          (m) => field(m, 'spec', 'version') === version,
        ).length;
      const waitFor = (what: string, ready: () => Promise<boolean | string>) =>
        waitUntil(ready, { what, timeoutMs: 240_000, intervalMs: 1000 });

      await apply(input);
      await waitFor('cluster dev-1 Available', async () =>
        conditionTrue(await read('Cluster', 'dev-1'), 'Available'),
      );
      assert.equal(num(await kcp(), 'status', 'readyReplicas'), 1);
      assert.equal(num(await md(), 'status', 'readyReplicas'), 2);

      for (const replicas of [3, 1]) {
        input.pools = [{ name: 'workers', replicas }];
        await apply(input);
        await waitFor(`workers at ${replicas}`, async () => {
          const d = await md();
          return num(d, 'status', 'readyReplicas') === replicas && num(d, 'status', 'replicas') === replicas;
        });
      }

      input.kubernetesVersion = 'v1.35.1';
      await apply(input);
      await waitFor(
        'control plane upgraded',
        async () =>
          num(await kcp(), 'status', 'upToDateReplicas') === 1 && (await machinesAt('v1.35.1')) >= 1,
      );
      await waitFor(
        'workers upgraded',
        async () => (await machinesAt('v1.35.1')) === 2 && (await machinesAt('v1.35.0')) === 0,
      );
      await waitFor('workers settled', async () => {
        const d = await md();
        return num(d, 'status', 'replicas') === 1 && num(d, 'status', 'upToDateReplicas') === 1;
      });

      input.paused = true;
      await apply(input);
      assert.equal(field(await read('Cluster', 'dev-1'), 'spec', 'paused'), true);
      input.pools = [{ name: 'workers', replicas: 2 }];
      await apply(input);
      await new Promise((r) => setTimeout(r, 5000));
      assert.equal(
        (await machinesAt('v1.35.1')) - 1,
        1,
        'a paused cluster does not scale: still one worker Machine',
      );
      input.paused = false;
      await apply(input);
      await waitFor(
        'workers at 2 after resume',
        async () => num(await md(), 'status', 'readyReplicas') === 2,
      );

      await client.delete({ apiVersion: CAPI_VERSION, kind: 'Cluster', name: 'dev-1', namespace });
      await waitFor('cluster dev-1 gone', async () => (await read('Cluster', 'dev-1')) === undefined);
      await waitFor('every object of dev-1 gone', async () => {
        const left: string[] = [];
        for (const [apiVersion, kind] of [
          [CAPI_VERSION, 'Machine'],
          [CAPI_VERSION, 'MachineSet'],
          [CAPI_VERSION, 'MachineDeployment'],
          ['controlplane.cluster.x-k8s.io/v1beta2', 'KubeadmControlPlane'],
          ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfigTemplate'],
          ['bootstrap.cluster.x-k8s.io/v1beta2', 'KubeadmConfig'],
          ['infrastructure.cluster.x-k8s.io/v1beta2', 'DevMachineTemplate'],
          ['infrastructure.cluster.x-k8s.io/v1beta2', 'DevMachine'],
          ['infrastructure.cluster.x-k8s.io/v1beta2', 'DevCluster'],
        ] as const) {
          for (const o of await client.list(
            apiVersion,
            kind,
            namespace,
            'cluster.x-k8s.io/cluster-name=dev-1',
          ))
            left.push(`${kind}/${o.metadata.name}`);
        }
        return left.length === 0 || left.join(', ');
      });
    },
  );

  it('ensure() again changes nothing; a killed manager is started again', async () => {
    const again = await gateway.ensure();
    assert.deepEqual(
      again.components.map((c) => c.started),
      [false, false, false, false],
    );
    const core = again.components[0]!;
    process.kill(core.pid, 'SIGKILL');
    const repaired = await gateway.ensure();
    assert.equal(repaired.components[0]!.started, true);
    assert.notEqual(repaired.components[0]!.pid, core.pid);
    assert.deepEqual(
      repaired.components.slice(1).map((c) => c.started),
      [false, false, false],
    );
  });
});
