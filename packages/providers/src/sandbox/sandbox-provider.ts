/**
 * The sandbox provider: Clusters as local sandbox clusters (real control plane processes, kwok-simulated nodes).
 * State lives in `stateDir` (the sandbox runtime's state root), so any process can pick a cluster up again.
 */
import type { CoreV1Api } from '@kubernetes/client-node';
import type { Issue, NodePool } from '@strata/api';
import { clusterSpecIssues } from '@strata/core';
import {
  ProviderError,
  localAgentArgs,
  unsupported,
  type ClusterProgress,
  type DeleteResult,
  type PoolOptions,
  type Provider,
  type AgentLaunch,
  type AgentProgress,
  type ProviderCapabilities,
  type ProviderCluster,
} from '@strata/provider-sdk';
import {
  SETUP_HINT,
  Sandbox,
  availableKubernetesVersions,
  findBinarySet,
  normalizeKubernetesVersion,
  type ClusterInfo,
  type CostOptions,
  type NodePoolSpec,
} from '@strata/sandbox';
import { poolCapacity, systemLabels } from './machine.js';
import { observe } from './observe.js';
import { applyLabelsAndTaints, coreApi, deleteNode, poolNodes, reconcilePoolCount } from './pool-nodes.js';
import { repavePoolNodes } from './repave.js';
import { wrapSandboxError } from './wrap-error.js';

export interface SandboxProviderOptions {
  /** Directory holding the sandbox clusters' state (one subdirectory per cluster). */
  stateDir: string;
  /** Binary cache (default: the sandbox runtime's default). */
  cacheDir?: string;
  /** Use exactly this binary directory. */
  binDir?: string;
  /** Cost knobs passed to every cluster (e.g. fewer controllers on small hosts). */
  cost?: CostOptions;
  /** Timeout of one wait for nodes (default 60 s). */
  nodesTimeoutMs?: number;
  /**
   * The command that runs `strata agent` (e.g. node + bin/strata.js + `agent`). Without it the provider cannot run
   * agents and ensureAgent reports that.
   */
  agentCommand?: { binary: string; args: string[] };
}

/** The companion id of the cluster's agent in the sandbox runtime. */
export const AGENT_COMPANION = 'agent';

const isNotFound = (err: unknown): boolean =>
  typeof err === 'object' && err !== null && 'code' in err && err.code === 'STRATA_NOT_FOUND';

export class SandboxProvider implements Provider {
  readonly name = 'sandbox';
  private readonly sandbox: Sandbox;
  private readonly options: SandboxProviderOptions;

  constructor(options: SandboxProviderOptions) {
    this.options = options;
    this.sandbox = new Sandbox({
      stateRoot: options.stateDir,
      ...(options.cacheDir ? { cacheDir: options.cacheDir } : {}),
      ...(options.binDir ? { binDir: options.binDir } : {}),
    });
  }

  private get timeoutMs(): number {
    return this.options.nodesTimeoutMs ?? 60_000;
  }

  private async versions(): Promise<string[]> {
    if (this.options.binDir) {
      const set = await findBinarySet({ binDir: this.options.binDir });
      return set ? [set.manifest.kubernetesVersion] : [];
    }
    return availableKubernetesVersions(this.options.cacheDir);
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const kubernetesVersions = await this.versions();
    // Moving a running control plane to other binaries needs a sandbox runtime operation that does not exist yet.
    return { kubernetesVersions, scaling: true, repave: true, upgrade: false };
  }

  private async versionIssue(cluster: ProviderCluster): Promise<Issue | undefined> {
    const versions = await this.versions();
    const wanted = normalizeKubernetesVersion(cluster.kubernetesVersion);
    if (wanted && versions.includes(wanted)) return undefined;
    const built = versions.length > 0 ? versions.join(', ') : `none (${SETUP_HINT})`;
    return {
      path: '/spec/kubernetesVersion',
      message: `Kubernetes ${cluster.kubernetesVersion} is unavailable on the sandbox provider; built versions: ${built}`,
    };
  }

  async validate(cluster: ProviderCluster): Promise<Issue[]> {
    const issues = clusterSpecIssues(cluster.spec, { providers: ['sandbox'] });
    const version = await this.versionIssue(cluster);
    if (version) issues.push(version);
    return issues;
  }

  private async info(cluster: ProviderCluster): Promise<ClusterInfo | undefined> {
    try {
      return await this.sandbox.get(cluster.name);
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw wrapSandboxError(err, `reading sandbox cluster ${cluster.name}`);
    }
  }

  private sandboxPools(cluster: ProviderCluster): NodePoolSpec[] {
    return cluster.spec.nodePools.map((pool) => ({
      name: pool.name,
      count: pool.count,
      ...(pool.controlPlane ? { controlPlane: true } : {}),
      labels: { ...(pool.labels ?? {}), ...systemLabels(cluster, pool) },
      taints: pool.taints ?? [],
      capacity: poolCapacity(pool),
    }));
  }

  private async create(cluster: ProviderCluster): Promise<void> {
    const issues = await this.validate(cluster);
    const version = issues.find((i) => i.path === '/spec/kubernetesVersion');
    if (version) throw unsupported(`cannot create cluster ${cluster.name}: ${version.message}`, [version]);
    if (issues.length > 0) {
      throw new ProviderError({
        code: 'STRATA_VALIDATION_FAILED',
        message: `invalid cluster ${cluster.name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      });
    }
    try {
      await this.sandbox.createCluster({
        name: cluster.name,
        kubernetesVersion: cluster.kubernetesVersion,
        nodePools: this.sandboxPools(cluster),
        ...(this.options.cost ? { cost: this.options.cost } : {}),
      });
    } catch (err) {
      // A creation interrupted by a crash leaves a directory without state: clear it, the next ensure retries.
      if (err instanceof Error && 'code' in err && err.code === 'STRATA_ALREADY_EXISTS') {
        await this.sandbox.delete(cluster.name).catch(() => undefined);
      }
      throw wrapSandboxError(err, `creating sandbox cluster ${cluster.name}`);
    }
  }

  async ensure(cluster: ProviderCluster): Promise<ClusterProgress> {
    let info = await this.info(cluster);
    if (!info) {
      await this.create(cluster);
      info = await this.info(cluster);
    } else if (info.phase !== 'running') {
      info = await this.sandbox.adopt(cluster.name).catch((err: unknown) => {
        throw wrapSandboxError(err, `restarting sandbox cluster ${cluster.name}`);
      });
      if (info.phase === 'stopped') info = await this.sandbox.start(cluster.name);
    }
    try {
      const api = coreApi(await this.sandbox.kubeconfig(cluster.name));
      for (const pool of cluster.spec.nodePools) {
        await this.syncPoolCount(cluster, pool, api);
        await applyLabelsAndTaints(api, pool);
      }
      await this.removeDroppedPools(cluster, api);
    } catch (err) {
      throw wrapSandboxError(err, `ensuring sandbox cluster ${cluster.name}`);
    }
    return observe({ cluster, sandbox: this.sandbox });
  }

  /** Nodes are made by the provider (current machine); the runtime's recorded count is kept in step. */
  private async syncPoolCount(cluster: ProviderCluster, pool: NodePool, given?: CoreV1Api): Promise<void> {
    const api = given ?? coreApi(await this.sandbox.kubeconfig(cluster.name));
    await reconcilePoolCount(api, cluster, pool, this.timeoutMs);
    const info = await this.sandbox.get(cluster.name);
    const known = info.nodePools.find((p) => p.name === pool.name);
    if (known && known.count !== pool.count)
      await this.sandbox.scaleNodePool(cluster.name, pool.name, pool.count);
  }

  private async removeDroppedPools(cluster: ProviderCluster, api: CoreV1Api): Promise<void> {
    const wanted = new Set(cluster.spec.nodePools.map((p) => p.name));
    const info = await this.sandbox.get(cluster.name);
    for (const pool of info.nodePools) {
      if (wanted.has(pool.name) || pool.count === 0) continue;
      if (!pool.controlPlane) await this.sandbox.scaleNodePool(cluster.name, pool.name, 0);
      for (const node of await poolNodes(api, pool.name)) await deleteNode(api, node.metadata?.name ?? '');
    }
  }

  private pool(cluster: ProviderCluster, name: string): NodePool {
    const pool = cluster.spec.nodePools.find((p) => p.name === name);
    if (!pool) {
      throw new ProviderError({
        code: 'STRATA_NOT_FOUND',
        message: `cluster ${cluster.name} has no node pool "${name}"`,
      });
    }
    return pool;
  }

  async repavePool(cluster: ProviderCluster, options: PoolOptions): Promise<ClusterProgress> {
    const pool = this.pool(cluster, options.pool);
    const info = await this.sandbox.get(cluster.name).catch((err: unknown) => {
      throw wrapSandboxError(err, `repaving pool ${pool.name} of ${cluster.name}`);
    });
    if (
      pool.controlPlane &&
      normalizeKubernetesVersion(cluster.kubernetesVersion) !== info.kubernetesVersion
    ) {
      const issue = await this.versionIssue(cluster);
      throw unsupported(
        issue?.message ??
          `upgrading the control plane of ${cluster.name} from ${info.kubernetesVersion} to ${cluster.kubernetesVersion} is unavailable: the sandbox runtime cannot restart a control plane on other binaries yet`,
        [
          {
            path: '/spec/kubernetesVersion',
            message: issue?.message ?? 'upgrade unavailable on the sandbox provider',
          },
        ],
      );
    }
    try {
      const api = coreApi(await this.sandbox.kubeconfig(cluster.name));
      await repavePoolNodes(api, cluster, pool, this.timeoutMs);
      await applyLabelsAndTaints(api, pool);
    } catch (err) {
      throw wrapSandboxError(err, `repaving pool ${pool.name} of ${cluster.name}`);
    }
    return observe({ cluster, sandbox: this.sandbox });
  }

  async kubeconfig(cluster: ProviderCluster): Promise<string> {
    try {
      return await this.sandbox.kubeconfig(cluster.name);
    } catch (err) {
      if (isNotFound(err)) {
        throw new ProviderError({
          code: 'STRATA_NOT_FOUND',
          message: `sandbox cluster ${cluster.name} does not exist`,
        });
      }
      throw wrapSandboxError(err, `reading the kubeconfig of ${cluster.name}`);
    }
  }

  async ensureAgent(cluster: ProviderCluster, launch: AgentLaunch): Promise<AgentProgress> {
    const command = this.options.agentCommand;
    if (!command) return { running: false, message: 'this server was started without an agent command' };
    const info = await this.info(cluster);
    if (!info) return { running: false, message: `sandbox cluster ${cluster.name} does not exist yet` };
    try {
      const token =
        launch.token ?? (await this.sandbox.companionFile(cluster.name, AGENT_COMPANION, 'token'));
      if (token === undefined) {
        return { running: false, tokenRequired: true, message: 'the agent has no token yet' };
      }
      const helm = await this.sandbox.toolPath(cluster.name, 'helm');
      const status = await this.sandbox.ensureCompanion(cluster.name, {
        id: AGENT_COMPANION,
        binary: command.binary,
        args: [...command.args, ...localAgentArgs(launch, { kubeconfig: info.kubeconfigPath, helm })],
        files: { token },
      });
      const how = status.started ? (status.restarts > 0 ? 'restarted' : 'started') : 'running';
      return { running: true, started: status.started, message: `agent ${how} (pid ${status.pid})` };
    } catch (err) {
      throw wrapSandboxError(err, `running the agent of ${cluster.name}`);
    }
  }

  async delete(cluster: ProviderCluster): Promise<DeleteResult> {
    try {
      await this.sandbox.delete(cluster.name);
    } catch (err) {
      if (!isNotFound(err)) throw wrapSandboxError(err, `deleting sandbox cluster ${cluster.name}`);
    }
    return { done: true };
  }
}
