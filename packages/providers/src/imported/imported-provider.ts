/**
 * The `imported` provider: clusters Strata did not build. It builds nothing and scales nothing; it checks that the
 * cluster is reachable with the given credentials, and (connect `server`) runs the cluster's agent as a local
 * process with them. With connect `manifest` the user applies the agent manifest and the agent dials in itself.
 */
import { join } from 'node:path';
import { writeFile, mkdir, readFile, rename, rm } from 'node:fs/promises';
import type { Issue } from '@strata/api';
import { clusterSpecIssues, IMPORTED_PROVIDER, type EgressPolicy } from '@strata/core';
import {
  ProviderError,
  localAgentArgs,
  transient,
  unsupported,
  type AgentLaunch,
  type AgentProgress,
  type ClusterProgress,
  type DeleteResult,
  type Provider,
  type ProviderCapabilities,
  type ProviderCluster,
} from '@strata/provider-sdk';
import { ProcessSupervisor, binaryPath, findBinarySet } from '@strata/sandbox';
import { canonicalizeKubeconfig, parseImportKubeconfig, type ImportTarget } from './import-kubeconfig.js';
import { probeCluster } from './probe.js';

export interface ImportedProviderOptions {
  /**
   * One directory per imported cluster: its kubeconfig (0600; always the canonical one rebuilt from the validated
   * connection, never the text given) and its agent process.
   */
  stateDir: string;
  /** The command that runs `strata agent` (see SandboxProvider). */
  agentCommand?: { binary: string; args: string[] };
  probeTimeoutMs?: number;
  /** Which addresses the reachability probe may connect to (default: public addresses only). */
  egress?: EgressPolicy;
}

const connect = (cluster: ProviderCluster) => cluster.spec.import?.connect ?? 'server';

export class ImportedProvider implements Provider {
  readonly name = IMPORTED_PROVIDER;
  readonly #o: ImportedProviderOptions;

  constructor(options: ImportedProviderOptions) {
    this.#o = options;
  }

  #probe(target: ImportTarget) {
    return probeCluster(target, {
      ...(this.#o.probeTimeoutMs ? { timeoutMs: this.#o.probeTimeoutMs } : {}),
      ...(this.#o.egress ? { egress: this.#o.egress } : {}),
    });
  }

  #dir(cluster: ProviderCluster): string {
    return join(this.#o.stateDir, cluster.name);
  }

  capabilities(): Promise<ProviderCapabilities> {
    return Promise.resolve({ kubernetesVersions: [], scaling: false, repave: false, upgrade: false });
  }

  async validate(cluster: ProviderCluster): Promise<Issue[]> {
    const issues = clusterSpecIssues(cluster.spec, { providers: [IMPORTED_PROVIDER] });
    if (issues.length > 0 || connect(cluster) !== 'server' || !cluster.spec.kubeconfig) return issues;
    const parsed = parseImportKubeconfig(cluster.spec.kubeconfig);
    if (!parsed.target) return parsed.issues;
    const probe = await this.#probe(parsed.target);
    return probe.ok ? [] : [{ path: '/spec/kubeconfig', message: probe.message }];
  }

  async ensure(cluster: ProviderCluster): Promise<ClusterProgress> {
    const progress = (version: string | undefined, endpoint: string | undefined, message: string) => ({
      infrastructureReady: true,
      controlPlaneReady: true,
      nodePools: [],
      ...(version ? { kubernetesVersion: version } : {}),
      ...(endpoint ? { endpoint } : {}),
      message,
      ready: true,
    });
    if (connect(cluster) === 'manifest')
      return progress(undefined, undefined, 'the agent connects from the cluster');
    const text = cluster.spec.kubeconfig ?? (await this.#storedKubeconfig(cluster));
    if (!text) throw unsupported(`imported cluster ${cluster.name} has no kubeconfig`);
    // Also rewrites a file stored as given by earlier versions into the canonical form.
    const parsed = await this.#storeCanonical(cluster, text);
    const probe = await this.#probe(parsed.target);
    if (!probe.ok) throw transient(probe.message);
    return progress(probe.version, parsed.target.server, `reachable at ${parsed.target.server}`);
  }

  repavePool(): Promise<ClusterProgress> {
    return Promise.reject(
      unsupported('imported clusters keep their own machines; Strata does not repave them'),
    );
  }

  async kubeconfig(cluster: ProviderCluster): Promise<string> {
    const text = await this.#storedKubeconfig(cluster);
    if (!text) {
      throw new ProviderError({
        code: 'STRATA_NOT_FOUND',
        message: `imported cluster ${cluster.name} was connected by manifest; Strata holds no kubeconfig for it`,
      });
    }
    return (await this.#storeCanonical(cluster, text)).kubeconfig;
  }

  async ensureAgent(cluster: ProviderCluster, launch: AgentLaunch): Promise<AgentProgress> {
    if (connect(cluster) === 'manifest') {
      return {
        running: false,
        message: 'apply the agent manifest in the cluster (strata cluster agent-manifest NAME)',
      };
    }
    const command = this.#o.agentCommand;
    if (!command) return { running: false, message: 'this server was started without an agent command' };
    const text = cluster.spec.kubeconfig ?? (await this.#storedKubeconfig(cluster));
    if (!text) throw unsupported(`imported cluster ${cluster.name} has no kubeconfig`);
    // The agent and its helm read this file: it must be the canonical one before either starts.
    await this.#storeCanonical(cluster, text);
    const supervisor = new ProcessSupervisor(this.#dir(cluster));
    const token = launch.token ?? (await supervisor.file('agent', 'token'));
    if (token === undefined)
      return { running: false, tokenRequired: true, message: 'the agent has no token yet' };
    const set = await findBinarySet({});
    const status = await supervisor.ensure({
      id: 'agent',
      binary: command.binary,
      args: [
        ...command.args,
        ...localAgentArgs(launch, {
          kubeconfig: join(this.#dir(cluster), 'kubeconfig'),
          helm: set ? binaryPath(set, 'helm') : undefined,
        }),
      ],
      files: { token },
    });
    return {
      running: true,
      started: status.started,
      message: `agent ${status.started ? 'started' : 'running'} (pid ${status.pid})`,
    };
  }

  async delete(cluster: ProviderCluster): Promise<DeleteResult> {
    // Detach: only Strata's own agent goes; the cluster and its workloads stay as they are.
    await new ProcessSupervisor(this.#dir(cluster)).remove();
    return { done: true };
  }

  async #storedKubeconfig(cluster: ProviderCluster): Promise<string | undefined> {
    return readFile(join(this.#dir(cluster), 'kubeconfig'), 'utf8').catch(() => undefined);
  }

  /** Validates `text` and stores the canonical kubeconfig built from it (unless already stored); refuses an unusable one. */
  async #storeCanonical(
    cluster: ProviderCluster,
    text: string,
  ): Promise<{ target: ImportTarget; kubeconfig: string }> {
    const { target, kubeconfig, issues } = canonicalizeKubeconfig(text);
    const dir = this.#dir(cluster);
    const file = join(dir, 'kubeconfig');
    if (!target || !kubeconfig) {
      // A file stored as given by an earlier version may be what is refused now: no agent or helm may read it.
      await rm(file, { force: true });
      throw unsupported(`the kubeconfig of ${cluster.name} is not usable`, issues);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if ((await this.#storedKubeconfig(cluster)) !== kubeconfig) {
      await writeFile(`${file}.tmp`, kubeconfig, { mode: 0o600 });
      await rename(`${file}.tmp`, file);
    }
    return { target, kubeconfig };
  }
}
