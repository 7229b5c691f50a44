/**
 * Test support for the Cluster API provider: an embedded gateway on a throwaway directory, the conformance
 * suite's observer that reads the gateway's Machines (the in-memory infrastructure's workload API servers serve no
 * /version and no watch), and what a deleted cluster left on the gateway.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CAPI_SETUP_HINT,
  BOOTSTRAP_GROUP,
  CAPI_VERSION,
  CONTROL_PLANE_GROUP,
  EmbeddedGateway,
  INFRA_GROUP,
  STRATA_CLUSTER_UID_LABEL,
  STRATA_POOL_LABEL,
  conditions,
  findCapiBuild,
  type GatewayClient,
  type ObservedObject,
  type Unstructured,
} from '@strata/capi';
import { kubeGet } from '@strata/provider-sdk';
import { pollPool, type ClusterObserver, type NodeView } from '@strata/provider-sdk/conformance';
import { Sandbox } from '@strata/sandbox';
import { requireSandboxBinaries } from '@strata/testing';

export interface TestGateway {
  gateway: EmbeddedGateway;
  client: GatewayClient;
  /** Deletes the gateway and its directory. */
  stop(): Promise<void>;
}

/** Starts an embedded gateway with the built managers; fails (never skips) when they or the binaries are missing. */
export async function startTestGateway(name: string): Promise<TestGateway> {
  const binDir = await requireSandboxBinaries();
  const build = await findCapiBuild();
  if (!build)
    throw new Error(`the Cluster API provider tests need the Cluster API managers: ${CAPI_SETUP_HINT}`);
  const root = await mkdtemp(join(tmpdir(), `strata-${name}-`));
  const gateway = new EmbeddedGateway({
    sandbox: new Sandbox({ stateRoot: join(root, 'sandbox'), binDir }),
    name,
    dir: join(root, 'gateway'),
    build,
  });
  const stop = async () => {
    await gateway.delete().catch(() => undefined);
    await rm(root, { recursive: true, force: true });
  };
  try {
    await gateway.ensure();
    return { gateway, client: await gateway.client(), stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(
    Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'),
  );
}

function taintsOf(machine: Unstructured): NodeView['taints'] {
  const spec = machine['spec'];
  const list = typeof spec === 'object' && spec !== null && 'taints' in spec ? spec.taints : undefined;
  if (!Array.isArray(list)) return [];
  return list.flatMap((t: unknown) => {
    const m = stringMap(t);
    return m['key'] && m['effect']
      ? [{ key: m['key'], effect: m['effect'], ...(m['value'] !== undefined ? { value: m['value'] } : {}) }]
      : [];
  });
}

/** A cluster's Machines (those being deleted left out) as the suite's node view: pool label, Ready condition. */
async function machineNodes(client: GatewayClient, namespace: string, cluster: string): Promise<NodeView[]> {
  const machines = await client.list(
    CAPI_VERSION,
    'Machine',
    namespace,
    `cluster.x-k8s.io/cluster-name=${cluster}`,
  );
  return machines
    .filter((m) => m.metadata['deletionTimestamp'] === undefined)
    .map((m) => {
      const labels = stringMap(m.metadata['labels']);
      return {
        name: m.metadata.name,
        uid: typeof m.metadata['uid'] === 'string' ? m.metadata['uid'] : m.metadata.name,
        pool: labels[STRATA_POOL_LABEL] ?? '',
        ready: conditions(m as ObservedObject).some((c) => c.type === 'Ready' && c.status === 'True'),
        labels,
        taints: taintsOf(m),
      };
    });
}

/**
 * The conformance observer for Cluster API on the in-memory infrastructure: nodes are the gateway's Machines, the
 * version is what KubeadmControlPlane reports running (after proving the kubeconfig authenticates to the simulated
 * API server), and a repave is followed by sampling the Machines every 200 ms.
 */
export function machineObserver(gateway: () => GatewayClient, namespace = 'strata'): ClusterObserver {
  const nodes = (cluster: string) => machineNodes(gateway(), namespace, cluster);
  const reachable = (kubeconfig: string) =>
    kubeGet(kubeconfig, '/api/v1/nodes', 2_000).then(
      () => true,
      () => false,
    );
  return {
    source: 'Machines',
    async controlPlaneVersion({ cluster, kubeconfig }) {
      await kubeGet(kubeconfig, '/api/v1/nodes'); // the kubeconfig authenticates to the cluster's API server
      const kcp = await gateway().get({
        apiVersion: `${CONTROL_PLANE_GROUP}/v1beta2`,
        kind: 'KubeadmControlPlane',
        name: `${cluster.name}-control-plane`,
        namespace,
      });
      const version = (kcp as ObservedObject | undefined)?.status?.['version'];
      if (typeof version !== 'string')
        throw new Error(`KubeadmControlPlane of ${cluster.name} reports no version`);
      return version;
    },
    nodes: ({ cluster }) => nodes(cluster.name),
    watchPool: ({ cluster }, pool, during) => pollPool(() => nodes(cluster.name), pool, during),
    apiServerGone: async ({ kubeconfig }) => !(await reachable(kubeconfig)),
  };
}

/** `kind/name` of every object of the cluster still on the gateway (by Strata's uid label or CAPI's cluster label). */
export async function leftOnGateway(
  client: GatewayClient,
  cluster: string,
  namespace = 'strata',
): Promise<string[]> {
  const left: string[] = [];
  for (const [apiVersion, kind] of [
    [CAPI_VERSION, 'Cluster'],
    [CAPI_VERSION, 'Machine'],
    [CAPI_VERSION, 'MachineSet'],
    [CAPI_VERSION, 'MachineDeployment'],
    [`${CONTROL_PLANE_GROUP}/v1beta2`, 'KubeadmControlPlane'],
    [`${BOOTSTRAP_GROUP}/v1beta2`, 'KubeadmConfigTemplate'],
    [`${INFRA_GROUP}/v1beta2`, 'DevMachineTemplate'],
    [`${INFRA_GROUP}/v1beta2`, 'DevCluster'],
  ] as const) {
    for (const selector of [
      `${STRATA_CLUSTER_UID_LABEL}=${cluster}`,
      `cluster.x-k8s.io/cluster-name=${cluster}`,
    ])
      for (const o of await client.list(apiVersion, kind, namespace, selector))
        left.push(`${kind}/${o.metadata.name}`);
  }
  return [...new Set(left)];
}
