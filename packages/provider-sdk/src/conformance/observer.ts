/**
 * How the conformance suite sees a cluster's nodes and control plane. The default reads the workload API server
 * through the admin kubeconfig (every node event of a repave watched); a provider whose workload API servers are
 * simulated supplies an observer that reads the same facts through another path (Cluster API: the gateway's
 * Machines, docs/contracts/provider.md).
 */
import { kubeGet } from '../kube-get.js';
import type { ProviderCluster } from '../provider.js';
import { listNodes, watchPool, type NodeView } from './helpers.js';

/** The cluster under test and its admin kubeconfig (from `provider.kubeconfig`). */
export interface ObservedCluster {
  cluster: ProviderCluster;
  kubeconfig: string;
}

export interface PoolWatch<T> {
  result: T;
  /** The lowest number of Ready nodes the pool had at any moment seen. */
  minReady: number;
  /** How many changes of the pool's nodes were seen (proves the roll was observed, not skipped over). */
  changes: number;
}

export interface ClusterObserver {
  /** What the observer reads, shown in assertion messages (e.g. `nodes`, `Machines`). */
  source: string;
  /** Proves the kubeconfig authenticates to the cluster's API server and returns the version its control plane runs. */
  controlPlaneVersion(target: ObservedCluster): Promise<string>;
  /** The cluster's nodes (or what stands for them), without those being deleted. */
  nodes(target: ObservedCluster): Promise<NodeView[]>;
  /** Runs `during` and reports the lowest number of Ready nodes `pool` had meanwhile. */
  watchPool<T>(target: ObservedCluster, pool: string, during: () => Promise<T>): Promise<PoolWatch<T>>;
  /** True once the cluster's API server no longer answers the kubeconfig. */
  apiServerGone(target: ObservedCluster): Promise<boolean>;
}

/** The default observer: the real workload API server (`/version`, nodes, a watch of every node event). */
export const apiServerObserver: ClusterObserver = {
  source: 'nodes',
  async controlPlaneVersion({ kubeconfig }) {
    const v = (await kubeGet(kubeconfig, '/version')) as { gitVersion: string };
    return v.gitVersion;
  },
  nodes: ({ kubeconfig }) => listNodes(kubeconfig),
  async watchPool({ kubeconfig }, pool, during) {
    const { result, minReady, events } = await watchPool(kubeconfig, pool, during);
    return { result, minReady, changes: events };
  },
  apiServerGone: ({ kubeconfig }) =>
    kubeGet(kubeconfig, '/version', 2_000).then(
      () => false,
      () => true,
    ),
};
