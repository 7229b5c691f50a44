/**
 * The embedded gateway with the real Cluster API v1.14 managers against a real kube-apiserver (sandbox): CRDs,
 * webhooks (validation, conversion), re-entrant ensure and a killed manager started again. Clusters on it are taken
 * through their lifecycle by the provider's tests, the conformance suite on capi-dev and the server e2e. Needs
 * scripts/setup-local-k8s.sh and scripts/setup-capi.sh (npm test runs both); fails, never skips, without them.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Sandbox } from '@strata/sandbox';
import { requireSandboxBinaries } from '@strata/testing';
import { CAPI_SETUP_HINT, findCapiBuild } from './binaries.js';
import { EmbeddedGateway, type EmbeddedGatewayStatus } from './gateway.js';
import { apiMessage, type GatewayClient, type Unstructured } from './kube.js';
import { IN_MEMORY, ObjectSetRenderer } from './render.js';

type Obj = Unstructured;

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
