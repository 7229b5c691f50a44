/**
 * A provider driven by the test, for the Cluster controller's decisions (the provider contract is ours; real
 * providers are exercised by the conformance suite and the e2e tests).
 */
import type {
  AgentLaunch,
  ClusterProgress,
  DeleteResult,
  PoolOptions,
  Provider,
  ProviderCluster,
} from '@strata/provider-sdk';

export class ScriptedProvider implements Provider {
  readonly name = 'scripted';
  /** What the next ensure() does: a progress, or an error to throw. */
  next: (ClusterProgress | Error)[] = [];
  ensureCalls = 0;
  /** Runs inside every ensure() (e.g. another writer acting while the pass is under way). */
  duringEnsure: (() => Promise<void>) | undefined;
  token: string | undefined;
  /** The agent token of each cluster, by the provider's cluster name (the last one issued). */
  readonly tokens = new Map<string, string>();
  deleteResults: DeleteResult[] = [];
  deleted: ProviderCluster[] = [];
  /** Nodes per pool that do not run the machine the spec asks for (until the pool is repaved). */
  outdated = new Map<string, number>();
  repaved: string[] = [];
  /** Clusters pause() was called for, and what it throws next (once). */
  paused: ProviderCluster[] = [];
  pauseError: Error | undefined;
  /** False: machines run nothing (no agent, no layers), like Cluster API's in-memory infrastructure. */
  runsWorkloads = true;
  capabilities() {
    return Promise.resolve({ kubernetesVersions: ['v1.36.3'], scaling: true, repave: true, upgrade: false });
  }
  pause(cluster: ProviderCluster): Promise<void> {
    const error = this.pauseError;
    this.pauseError = undefined;
    if (error) return Promise.reject(error);
    this.paused.push(cluster);
    return Promise.resolve();
  }
  validate() {
    return Promise.resolve([]);
  }
  async ensure(cluster: ProviderCluster): Promise<ClusterProgress> {
    this.ensureCalls++;
    await this.duringEnsure?.();
    const step = this.next.shift() ?? this.ready(cluster);
    if (step instanceof Error) throw step;
    return step;
  }
  repavePool(cluster: ProviderCluster, options: PoolOptions) {
    this.repaved.push(options.pool);
    this.outdated.delete(options.pool);
    return Promise.resolve(this.ready(cluster));
  }
  kubeconfig() {
    return Promise.resolve('kind: Config');
  }
  ensureAgent(cluster: ProviderCluster, launch: AgentLaunch) {
    if (launch.token) {
      this.token = launch.token;
      this.tokens.set(cluster.name, launch.token);
    }
    return Promise.resolve({ running: true, started: launch.token !== undefined, message: 'agent running' });
  }
  ready(cluster: ProviderCluster): ClusterProgress {
    return ready(cluster, this.outdated);
  }
  delete(cluster: ProviderCluster): Promise<DeleteResult> {
    this.deleted.push(cluster);
    return Promise.resolve(this.deleteResults.shift() ?? { done: true });
  }
}

export function ready(cluster: ProviderCluster, outdated = new Map<string, number>()): ClusterProgress {
  return {
    infrastructureReady: true,
    controlPlaneReady: true,
    nodePools: cluster.spec.nodePools.map((p) => ({
      name: p.name,
      desired: p.count,
      ready: p.count,
      outdated: outdated.get(p.name) ?? 0,
      version: cluster.kubernetesVersion,
    })),
    kubernetesVersion: cluster.kubernetesVersion,
    endpoint: 'https://127.0.0.1:1',
    message: 'all nodes Ready',
    ready: true,
  };
}
