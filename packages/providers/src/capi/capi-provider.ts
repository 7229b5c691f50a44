/**
 * The Cluster API provider family: a Cluster becomes a rendered CAPI v1beta2 object set on its gateway, and CAPI's
 * own controllers make it real. One class serves every infrastructure (the in-memory one as `capi-dev`; clouds plug
 * in an `Infrastructure`). Mapping onto the provider contract:
 *
 * - `ensure` applies the set with every pool **pinned** to what it runs (version and templates read back from the
 *   gateway): only replica counts and pause follow the spec, so ensure never repaves or upgrades;
 * - `repavePool` renders that one pool unpinned: a new template name or version, which CAPI rolls (KCP for the
 *   control-plane pool, the MachineDeployment for a worker pool) with maxSurge/maxUnavailable from updateStrategy;
 * - status is CAPI's own (conditions, replicas, up-to-date replicas), folded by `observeCluster`;
 * - `delete` deletes the Cluster (CAPI tears down in order, through finalizers) and then anything labelled with the
 *   cluster's uid that is left.
 */
import { compareVersions, type Issue, type NodePool } from '@strata/api';
import {
  CAPI_VERSION,
  CONTROL_PLANE_GROUP,
  INFRA_GROUP,
  BOOTSTRAP_GROUP,
  ObjectSetRenderer,
  STRATA_CLUSTER_UID_LABEL,
  STRATA_POOL_LABEL,
  apiMessage,
  httpStatus,
  observeCluster,
  type ClusterInput,
  type ClusterObservation,
  type GatewayClient,
  type Infrastructure,
  type ObservedObject,
  type Unstructured,
  type Pinned,
} from '@strata/capi';
import { clusterSpecIssues } from '@strata/core';
import {
  ProviderError,
  unsupported,
  type ClusterProgress,
  type DeleteResult,
  type PoolOptions,
  type Provider,
  type ProviderCapabilities,
  type ProviderCluster,
} from '@strata/provider-sdk';

export interface CapiProviderOptions {
  /** spec.provider this instance serves, e.g. `capi-dev`. */
  name: string;
  infrastructure: Infrastructure;
  /** The cluster's gateway, ready to take objects (throws a ProviderError while it is being built or is down). */
  gateway: (cluster: ProviderCluster) => Promise<GatewayClient>;
  /** Kubernetes versions the gateway's providers can build (normalised `vX.Y.Z`), oldest first. */
  kubernetesVersions: readonly string[];
  /** Namespace of Strata's objects on the gateway (default `strata`). */
  namespace?: string;
}

const KCP_VERSION = `${CONTROL_PLANE_GROUP}/v1beta2`;
const INFRA_VERSION = `${INFRA_GROUP}/v1beta2`;
const BOOTSTRAP_VERSION = `${BOOTSTRAP_GROUP}/v1beta2`;

function refName(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null && 'name' in value && typeof value.name === 'string'
    ? value.name
    : undefined;
}

function dig(object: unknown, ...path: string[]): unknown {
  return path.reduce<unknown>(
    (v, k) => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined),
    object,
  );
}

/** Whatever a gateway call threw, as a provider error: 4xx from a webhook is terminal and says what it refused. */
export function gatewayError(err: unknown, what: string): ProviderError {
  if (err instanceof ProviderError) return err;
  const status = httpStatus(err);
  if (status === 400 || status === 422) {
    return new ProviderError({
      code: 'STRATA_VALIDATION_FAILED',
      message: `${what}: the gateway refused it: ${apiMessage(err)}`,
      retriable: false,
      cause: err,
    });
  }
  return new ProviderError({ message: `${what}: ${apiMessage(err)}`, retriable: true, cause: err });
}

interface Live {
  cluster?: ObservedObject;
  controlPlane?: ObservedObject;
  machineDeployments: ObservedObject[];
  /** Every MachineSet and Machine of the cluster: what runs now, without waiting for status counters to catch up. */
  machineSets: Unstructured[];
  machines: Unstructured[];
}

const DEPLOYMENT_NAME_LABEL = 'cluster.x-k8s.io/deployment-name';
const CONTROL_PLANE_NAME_LABEL = 'cluster.x-k8s.io/control-plane-name';

function labelOf(object: Unstructured, key: string): string | undefined {
  const labels = object.metadata['labels'];
  return typeof labels === 'object' &&
    labels !== null &&
    !Array.isArray(labels) &&
    typeof labels[key] === 'string'
    ? labels[key]
    : undefined;
}

/** The oldest Kubernetes version among machines (undefined when there are none). */
function oldest(machines: Unstructured[]): string | undefined {
  const versions = machines.flatMap((m) => {
    const v = dig(m, 'spec', 'version');
    return typeof v === 'string' ? [v] : [];
  });
  return versions.sort(compareVersions)[0];
}

function ownedBy(object: Unstructured, name: string): boolean {
  const refs = object.metadata['ownerReferences'];
  return (
    Array.isArray(refs) &&
    refs.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && r['name'] === name)
  );
}

/** Does a MachineSet's machine template spec run what the spec wants (version, machine and bootstrap template)? */
function runs(template: unknown, wanted: Pinned): boolean {
  return (
    dig(template, 'version') === wanted.version &&
    refName(dig(template, 'infrastructureRef')) === wanted.machineTemplate &&
    (wanted.bootstrapTemplate === undefined ||
      refName(dig(template, 'bootstrap', 'configRef')) === wanted.bootstrapTemplate)
  );
}

export class CapiProvider implements Provider {
  readonly name: string;
  readonly usesGateway = true;
  readonly runsWorkloads: boolean;
  private readonly options: CapiProviderOptions;
  private readonly renderer: ObjectSetRenderer;

  constructor(options: CapiProviderOptions) {
    this.options = options;
    this.name = options.name;
    this.runsWorkloads = options.infrastructure.runsWorkloads !== false;
    this.renderer = new ObjectSetRenderer(options.infrastructure);
  }

  private get namespace(): string {
    return this.options.namespace ?? 'strata';
  }

  async capabilities(): Promise<ProviderCapabilities> {
    const versions = this.options.kubernetesVersions;
    return { kubernetesVersions: [...versions], scaling: true, repave: true, upgrade: versions.length > 1 };
  }

  private versionIssue(cluster: ProviderCluster): Issue | undefined {
    if (this.options.kubernetesVersions.includes(cluster.kubernetesVersion)) return undefined;
    return {
      path: '/spec/kubernetesVersion',
      message: `Kubernetes ${cluster.kubernetesVersion} is not available on provider ${this.name}; available: ${this.options.kubernetesVersions.join(', ')}`,
    };
  }

  async validate(cluster: ProviderCluster): Promise<Issue[]> {
    const issues = clusterSpecIssues(cluster.spec, { providers: [this.name] });
    const controlPlanes = cluster.spec.nodePools.filter((p) => p.controlPlane);
    if (controlPlanes.length !== 1) {
      issues.push({
        path: '/spec/nodePools',
        message: 'a Cluster API cluster needs exactly one control-plane pool',
      });
    }
    const version = this.versionIssue(cluster);
    if (version) issues.push(version);
    return issues;
  }

  /** Refuses what cannot be built; an unknown version only where it would be used (creating, or a repave). */
  private async refuseInvalid(cluster: ProviderCluster, versionUsed: boolean): Promise<void> {
    const all = await this.validate(cluster);
    const version = all.find((i) => i.path === '/spec/kubernetesVersion');
    if (version && versionUsed)
      throw unsupported(`cannot build cluster ${cluster.name}: ${version.message}`, [version]);
    const issues = all.filter((i) => i !== version);
    if (issues.length > 0) {
      throw new ProviderError({
        code: 'STRATA_VALIDATION_FAILED',
        message: `invalid cluster ${cluster.name}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
        issues,
      });
    }
  }

  private async live(client: GatewayClient, cluster: ProviderCluster): Promise<Live> {
    const key = { namespace: this.namespace };
    const byCluster = `cluster.x-k8s.io/cluster-name=${cluster.name}`;
    const [capiCluster, controlPlane, machineDeployments, machineSets, machines] = await Promise.all([
      client.get(this.clusterKey(cluster)),
      client.get({
        apiVersion: KCP_VERSION,
        kind: 'KubeadmControlPlane',
        name: `${cluster.name}-control-plane`,
        ...key,
      }),
      client.list(
        CAPI_VERSION,
        'MachineDeployment',
        this.namespace,
        `${STRATA_CLUSTER_UID_LABEL}=${this.uid(cluster)}`,
      ),
      client.list(CAPI_VERSION, 'MachineSet', this.namespace, byCluster),
      client.list(CAPI_VERSION, 'Machine', this.namespace, byCluster),
    ]);
    return {
      ...(capiCluster ? { cluster: capiCluster as ObservedObject } : {}),
      ...(controlPlane ? { controlPlane: controlPlane as ObservedObject } : {}),
      machineDeployments: machineDeployments as ObservedObject[],
      machineSets,
      machines,
    };
  }

  /** A stable identity per cluster: its name is unique per provider instance. */
  private uid(cluster: ProviderCluster): string {
    return cluster.name;
  }

  private running(live: Live): { controlPlane?: Pinned; pools: Record<string, Pinned> } {
    const cp = live.controlPlane;
    const cpVersion = dig(cp, 'spec', 'version');
    const cpTemplate = refName(dig(cp, 'spec', 'machineTemplate', 'spec', 'infrastructureRef'));
    const pools: Record<string, Pinned> = {};
    for (const md of live.machineDeployments) {
      const pool = md.metadata.labels?.[STRATA_POOL_LABEL];
      const version = dig(md, 'spec', 'template', 'spec', 'version');
      const machine = refName(dig(md, 'spec', 'template', 'spec', 'infrastructureRef'));
      const bootstrap = refName(dig(md, 'spec', 'template', 'spec', 'bootstrap', 'configRef'));
      if (pool && typeof version === 'string' && machine && bootstrap)
        pools[pool] = { version, machineTemplate: machine, bootstrapTemplate: bootstrap };
    }
    return {
      ...(typeof cpVersion === 'string' && cpTemplate
        ? { controlPlane: { version: cpVersion, machineTemplate: cpTemplate } }
        : {}),
      pools,
    };
  }

  private input(
    cluster: ProviderCluster,
    pinned: { controlPlane?: Pinned; pools: Record<string, Pinned> },
  ): ClusterInput {
    const cpPool = cluster.spec.nodePools.find((p) => p.controlPlane) as NodePool;
    const machine = (pool: NodePool) => ({
      ...(pool.instanceType ? { instanceType: pool.instanceType } : {}),
      ...(pool.cpu ? { cpu: pool.cpu } : {}),
      ...(pool.memory ? { memory: pool.memory } : {}),
      ...(cluster.osImage ? { image: cluster.osImage } : {}),
    });
    return {
      name: cluster.name,
      namespace: this.namespace,
      uid: this.uid(cluster),
      kubernetesVersion: cluster.kubernetesVersion,
      paused: cluster.spec.policy?.paused === true,
      controlPlane: {
        replicas: cpPool.count,
        pool: cpPool.name,
        machine: machine(cpPool),
        maxSurge: cpPool.updateStrategy?.maxSurge === 0 ? 0 : 1,
        ...(pinned.controlPlane ? { pinned: pinned.controlPlane } : {}),
      },
      pools: cluster.spec.nodePools
        .filter((p) => !p.controlPlane)
        .map((p) => ({
          name: p.name,
          replicas: p.count,
          machine: machine(p),
          ...(p.labels ? { nodeLabels: p.labels } : {}),
          ...(p.taints?.length ? { taints: p.taints } : {}),
          ...(p.updateStrategy?.maxSurge !== undefined ? { maxSurge: p.updateStrategy.maxSurge } : {}),
          ...(p.updateStrategy?.maxUnavailable !== undefined
            ? { maxUnavailable: p.updateStrategy.maxUnavailable }
            : {}),
          ...(pinned.pools[p.name] ? { pinned: pinned.pools[p.name] } : {}),
        })),
    };
  }

  private async applyAll(
    client: GatewayClient,
    cluster: ProviderCluster,
    input: ClusterInput,
  ): Promise<void> {
    await client
      .apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: this.namespace } })
      .catch((err: unknown) => {
        throw gatewayError(err, `creating namespace ${this.namespace} on the gateway`);
      });
    for (const object of this.renderer.render(input)) {
      await client.apply(object).catch((err: unknown) => {
        throw gatewayError(err, `applying ${object.kind} ${object.metadata.name} of ${cluster.name}`);
      });
    }
  }

  /** A pool's machines (deleting ones included) and how many of them do not run what the spec wants. */
  private poolMachines(
    cluster: ProviderCluster,
    live: Live,
    pool: string,
    controlPlane: boolean,
    wanted: Pinned,
  ) {
    if (controlPlane) {
      const machines = live.machines.filter(
        (m) => labelOf(m, CONTROL_PLANE_NAME_LABEL) === `${cluster.name}-control-plane`,
      );
      // KCP clones its template into each machine: the version tells; a template change is all-or-nothing here.
      const kcp = live.controlPlane;
      const kcpRuns =
        dig(kcp, 'spec', 'version') === wanted.version &&
        refName(dig(kcp, 'spec', 'machineTemplate', 'spec', 'infrastructureRef')) === wanted.machineTemplate;
      const byVersion = machines.filter((m) => dig(m, 'spec', 'version') !== wanted.version).length;
      return {
        total: machines.length,
        outdated: kcpRuns ? byVersion : machines.length,
        version: oldest(machines),
      };
    }
    const deployment = `${cluster.name}-${pool}`;
    const sets = live.machineSets.filter((ms) => labelOf(ms, DEPLOYMENT_NAME_LABEL) === deployment);
    const stale = new Set(
      sets.filter((ms) => !runs(dig(ms, 'spec', 'template', 'spec'), wanted)).map((ms) => ms.metadata.name),
    );
    const machines = live.machines.filter((m) => sets.some((ms) => ownedBy(m, ms.metadata.name)));
    return {
      total: machines.length,
      version: oldest(machines),
      outdated: machines.filter((m) => [...stale].some((name) => ownedBy(m, name))).length,
    };
  }

  private progress(
    cluster: ProviderCluster,
    live: Live,
    observed: ClusterObservation,
    desired: ReturnType<ObjectSetRenderer['desired']>,
  ): ClusterProgress {
    const machines = new Map<string, { total: number; outdated: number; version?: string | undefined }>();
    const nodePools = cluster.spec.nodePools.map((pool) => {
      const seen = pool.controlPlane
        ? observed.controlPlane
        : observed.pools.find((p) => p.name === pool.name);
      const wanted = pool.controlPlane ? desired.controlPlane : (desired.pools[pool.name] as Pinned);
      const counted = this.poolMachines(cluster, live, pool.name, pool.controlPlane === true, wanted);
      machines.set(pool.name, counted);
      // What the machines run (the oldest when mixed), not what the spec asks: status counters lag behind.
      const version = counted.version ?? seen?.version;
      return {
        name: pool.name,
        desired: pool.count,
        ready: seen?.ready ?? 0,
        outdated: counted.outdated,
        ...(version ? { version } : {}),
      };
    });
    const cpPool = cluster.spec.nodePools.find((p) => p.controlPlane);
    const controlPlaneVersion = (cpPool && machines.get(cpPool.name)?.version) ?? observed.kubernetesVersion;
    const problem = observed.problems[0];
    const notReady = nodePools.find((p) => p.ready < p.desired);
    // Converged: every pool's controller has seen its latest spec, has as many Ready machines as asked and no more
    // machines at all (a scale-down or a rollout still running counts its surplus in status.replicas).
    const settled =
      [observed.controlPlane, ...observed.pools].every((seen) => seen === undefined || seen.current) &&
      nodePools.every((p) => machines.get(p.name)?.total === p.desired);
    const ready =
      observed.infrastructureReady &&
      observed.controlPlaneReady &&
      settled &&
      nodePools.every((p) => p.ready === p.desired);
    const message = ready
      ? `Cluster API reports ${cluster.name} available`
      : problem
        ? `${problem.object} ${problem.condition}: ${problem.message}`
        : !observed.infrastructureReady
          ? 'waiting for the infrastructure'
          : !observed.controlPlaneReady
            ? 'waiting for the control plane'
            : `${notReady?.ready ?? 0}/${notReady?.desired ?? 0} nodes of ${notReady?.name ?? ''} ready`;
    return {
      infrastructureReady: observed.infrastructureReady,
      controlPlaneReady: observed.controlPlaneReady,
      nodePools,
      ...(controlPlaneVersion ? { kubernetesVersion: controlPlaneVersion } : {}),
      ...(observed.endpoint ? { endpoint: observed.endpoint } : {}),
      message,
      ready,
    };
  }

  private async step(cluster: ProviderCluster, unpin?: string): Promise<ClusterProgress> {
    const client = await this.options.gateway(cluster);
    const what = `reading cluster ${cluster.name} on the gateway`;
    const before = await this.live(client, cluster).catch((err: unknown) => {
      throw gatewayError(err, what);
    });
    const running = this.running(before);
    await this.refuseInvalid(cluster, unpin !== undefined || !running.controlPlane);
    const pinned = {
      ...(unpin === 'control-plane' || !running.controlPlane ? {} : { controlPlane: running.controlPlane }),
      pools: Object.fromEntries(Object.entries(running.pools).filter(([name]) => name !== unpin)),
    };
    const input = this.input(cluster, pinned);
    await this.applyAll(client, cluster, input);
    const after = await this.live(client, cluster).catch((err: unknown) => {
      throw gatewayError(err, what);
    });
    const observed = observeCluster({ ...after, poolLabel: STRATA_POOL_LABEL });
    return this.progress(cluster, after, observed, this.renderer.desired(this.input(cluster, { pools: {} })));
  }

  ensure(cluster: ProviderCluster): Promise<ClusterProgress> {
    return this.step(cluster);
  }

  async repavePool(cluster: ProviderCluster, options: PoolOptions): Promise<ClusterProgress> {
    const pool = cluster.spec.nodePools.find((p) => p.name === options.pool);
    if (!pool)
      throw new ProviderError({
        code: 'STRATA_NOT_FOUND',
        message: `cluster ${cluster.name} has no node pool "${options.pool}"`,
      });
    return this.step(cluster, pool.controlPlane ? 'control-plane' : pool.name);
  }

  async kubeconfig(cluster: ProviderCluster): Promise<string> {
    const client = await this.options.gateway(cluster);
    const secret = await client
      .get({
        apiVersion: 'v1',
        kind: 'Secret',
        name: `${cluster.name}-kubeconfig`,
        namespace: this.namespace,
      })
      .catch((err: unknown) => {
        throw gatewayError(err, `reading the kubeconfig of ${cluster.name}`);
      });
    const value = dig(secret, 'data', 'value');
    if (typeof value !== 'string') {
      throw new ProviderError({
        code: 'STRATA_NOT_FOUND',
        message: `cluster ${cluster.name} has no kubeconfig yet (Cluster API writes it once the control plane is initialized)`,
      });
    }
    return Buffer.from(value, 'base64').toString('utf8');
  }

  private clusterKey(cluster: ProviderCluster) {
    return { apiVersion: CAPI_VERSION, kind: 'Cluster', name: cluster.name, namespace: this.namespace };
  }

  /** Sets the CAPI Cluster's `spec.paused`: every CAPI controller leaves its objects alone until ensure clears it. */
  async pause(cluster: ProviderCluster): Promise<void> {
    const client = await this.options.gateway(cluster);
    const key = this.clusterKey(cluster);
    try {
      const existing = await client.get(key);
      if (existing && dig(existing, 'spec', 'paused') !== true)
        await client.mergePatch(key, { spec: { paused: true } });
    } catch (err) {
      throw gatewayError(err, `pausing cluster ${cluster.name} on the gateway`);
    }
  }

  async delete(cluster: ProviderCluster): Promise<DeleteResult> {
    const client = await this.options.gateway(cluster);
    const key = this.clusterKey(cluster);
    try {
      const existing = await client.get(key);
      if (existing) {
        // A paused Cluster is never torn down: CAPI's controllers skip it.
        if (dig(existing, 'spec', 'paused') === true)
          await client.mergePatch(key, { spec: { paused: false } });
        if (!existing.metadata?.deletionTimestamp) await client.delete(key);
        return { done: false, message: `Cluster API is deleting ${cluster.name}` };
      }
      // Whatever CAPI did not own (e.g. templates a failed create left): by the cluster's label.
      const selector = `${STRATA_CLUSTER_UID_LABEL}=${this.uid(cluster)}`;
      let left = 0;
      for (const [apiVersion, kind] of [
        [CAPI_VERSION, 'MachineDeployment'],
        [KCP_VERSION, 'KubeadmControlPlane'],
        [BOOTSTRAP_VERSION, 'KubeadmConfigTemplate'],
        [INFRA_VERSION, this.options.infrastructure.machineTemplateKind],
        [INFRA_VERSION, this.options.infrastructure.clusterKind],
      ] as const) {
        for (const object of await client.list(apiVersion, kind, this.namespace, selector)) {
          left += 1;
          await client.delete({
            apiVersion,
            kind,
            name: object.metadata?.name ?? '',
            namespace: this.namespace,
          });
        }
      }
      return left === 0
        ? { done: true }
        : { done: false, message: `removing ${left} objects of ${cluster.name} left on the gateway` };
    } catch (err) {
      throw gatewayError(err, `deleting cluster ${cluster.name}`);
    }
  }
}
