/** Reads a sandbox cluster's progress: runtime phase, API server, and every pool's nodes. */
import { compareVersions } from '@strata/api';
import type { ClusterProgress, NodePoolProgress, ProviderCluster } from '@strata/provider-sdk';
import { isNodeReady, type Sandbox } from '@strata/sandbox';
import { MACHINE_HASH_LABEL, NODE_VERSION_LABEL, machineHash } from './machine.js';
import { coreApi, poolNodes } from './pool-nodes.js';
import { wrapSandboxError } from './wrap-error.js';

export async function observe(input: {
  cluster: ProviderCluster;
  sandbox: Sandbox;
}): Promise<ClusterProgress> {
  const { cluster, sandbox } = input;
  try {
    const info = await sandbox.get(cluster.name);
    const api = coreApi(await sandbox.kubeconfig(cluster.name));
    const nodePools: NodePoolProgress[] = [];
    for (const pool of cluster.spec.nodePools) {
      const hash = machineHash(cluster, pool);
      const nodes = (await poolNodes(api, pool.name)).filter(
        (n) => !(n.metadata?.name ?? '').includes('-surge-'),
      );
      const versions = nodes
        .map((n) => n.metadata?.labels?.[NODE_VERSION_LABEL] ?? info.kubernetesVersion)
        .sort(compareVersions);
      nodePools.push({
        name: pool.name,
        desired: pool.count,
        ready: nodes.filter(isNodeReady).length,
        outdated: nodes.filter((n) => n.metadata?.labels?.[MACHINE_HASH_LABEL] !== hash).length,
        ...(versions[0] ? { version: versions[0] } : {}),
      });
    }
    const controlPlaneReady = info.phase === 'running';
    const waiting = nodePools.filter((p) => p.ready !== p.desired);
    const ready = controlPlaneReady && waiting.length === 0;
    const message = !controlPlaneReady
      ? `control plane is ${info.phase}`
      : waiting.length > 0
        ? waiting.map((p) => `${p.ready}/${p.desired} nodes of ${p.name} Ready`).join(', ')
        : `${nodePools.reduce((s, p) => s + p.desired, 0)} nodes Ready`;
    return {
      infrastructureReady: true,
      controlPlaneReady,
      nodePools,
      kubernetesVersion: info.kubernetesVersion,
      endpoint: info.server,
      message,
      ready,
    };
  } catch (err) {
    throw wrapSandboxError(err, `observing sandbox cluster ${cluster.name}`);
  }
}
