/**
 * Renders the Cluster API v1beta2 object set of one self-managed (kubeadm) cluster — pure and deterministic:
 *
 *   Cluster ─ infrastructureRef → <Infra>Cluster
 *           └ controlPlaneRef   → KubeadmControlPlane ─ machineTemplate → <Infra>MachineTemplate (control plane)
 *   per pool: MachineDeployment ─ bootstrap → KubeadmConfigTemplate, infrastructure → <Infra>MachineTemplate
 *
 * Templates are immutable in Cluster API, so their names carry a hash of their spec: a machine change renders a new
 * template name, the reference moves, and Cluster API rolls the machines (the old template is pruned afterwards).
 * The infrastructure-specific part comes from an `Infrastructure` (the in-memory one here; clouds follow it).
 */
import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '@strata/core';
import { MANAGED_BY, type KubeObject } from './install.js';

export const CAPI_GROUP = 'cluster.x-k8s.io';
export const CAPI_VERSION = `${CAPI_GROUP}/v1beta2`;
export const BOOTSTRAP_GROUP = 'bootstrap.cluster.x-k8s.io';
export const CONTROL_PLANE_GROUP = 'controlplane.cluster.x-k8s.io';
export const INFRA_GROUP = 'infrastructure.cluster.x-k8s.io';
/** Labels that let a human (and Strata) find Strata's objects on a gateway. */
export const STRATA_CLUSTER_LABEL = 'strata.dev/cluster';
export const STRATA_CLUSTER_UID_LABEL = 'strata.dev/cluster-uid';
export const STRATA_POOL_LABEL = 'strata.dev/node-pool';
/** CAPI's own label naming the cluster an object belongs to. */
export const CAPI_CLUSTER_NAME_LABEL = 'cluster.x-k8s.io/cluster-name';

/** Every node runs containerd (kubeadm's default, written out: CAPI refuses an empty kubeadm spec). */
const CRI_SOCKET = 'unix:///var/run/containerd/containerd.sock';

/** A count, or a percentage like "25%" (CAPI's intstr). */
export type IntOrPercent = number | string;

export interface MachineShape {
  /** Provider-specific machine fields (instance type, image, disk...); the in-memory provider ignores them. */
  [key: string]: JsonValue | undefined;
}

/**
 * What a pool runs now, kept as is: `ensure` never repaves, so it renders an existing pool with the version and
 * templates it has and only the replica count changes; a repave renders the pool unpinned.
 */
export interface Pinned {
  version: string;
  machineTemplate: string;
  /** Workers only. */
  bootstrapTemplate?: string;
}

export interface PoolInput {
  name: string;
  replicas: number;
  pinned?: Pinned;
  machine?: MachineShape;
  /**
   * Labels for the pool's Nodes: on the MachineDeployment's machine template, which CAPI propagates to Machines and
   * (with the gateway's `--additional-sync-machine-labels`) to Nodes in place — no rollout.
   */
  nodeLabels?: Record<string, string>;
  /** Taints CAPI keeps on the pool's Nodes in place (feature gate MachineTaintPropagation). */
  taints?: { key: string; value?: string; effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute' }[];
  maxSurge?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
}

export interface KubeadmInput {
  apiServerExtraArgs?: Record<string, string>;
  kubeletExtraArgs?: Record<string, string>;
  /** Files written on every node before kubeadm runs. */
  files?: { path: string; content: string; permissions?: string }[];
  preKubeadmCommands?: string[];
  postKubeadmCommands?: string[];
}

export interface ClusterInput {
  /** The CAPI Cluster's name (DNS-1123). */
  name: string;
  namespace: string;
  /** Strata's cluster uid: stamped on every object. */
  uid: string;
  kubernetesVersion: string;
  controlPlane: {
    replicas: number;
    /** The control-plane pool's name, labelled on its Machines and nodes (default `control-plane`). */
    pool?: string;
    machine?: MachineShape;
    maxSurge?: 0 | 1;
    pinned?: Pinned;
  };
  pools: PoolInput[];
  paused?: boolean;
  network?: { podCidrs?: string[]; serviceCidrs?: string[]; serviceDomain?: string };
  kubeadm?: KubeadmInput;
}

export interface Infrastructure {
  /** e.g. 'in-memory', 'aws'. */
  name: string;
  clusterKind: string;
  machineTemplateKind: string;
  /** The infrastructure cluster's spec. */
  clusterSpec(input: ClusterInput): JsonObject;
  /** Annotations of the infrastructure cluster, when its provider needs some. */
  clusterAnnotations?: Record<string, string>;
  /** False when its machines are simulated and run nothing (the in-memory provider): no agent, no layers. */
  runsWorkloads?: boolean;
  /** A machine template's `spec.template.spec`. */
  machineSpec(
    input: ClusterInput,
    machine: MachineShape | undefined,
    role: 'control-plane' | 'worker',
  ): JsonObject;
}

function hashOf(value: JsonValue): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 8);
}

function ref(group: string, kind: string, name: string): JsonObject {
  return { apiGroup: group, kind, name };
}

/** kubeadm's `[{name, value}]` argument list, or undefined when empty (CAPI refuses empty lists). */
function args(map: Record<string, string> | undefined): JsonObject[] | undefined {
  const list = Object.entries(map ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({ name, value }));
  return list.length > 0 ? list : undefined;
}

/** The object without undefined fields and empty objects (CAPI's schemas refuse empty lists and objects). */
function without(value: Record<string, JsonValue | undefined>): JsonObject {
  return Object.fromEntries(
    Object.entries(value).filter(
      ([, v]) =>
        v !== undefined &&
        !(typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 0),
    ),
  ) as JsonObject;
}

export class ObjectSetRenderer {
  private readonly infra: Infrastructure;

  constructor(infra: Infrastructure) {
    this.infra = infra;
  }

  private meta(
    input: ClusterInput,
    name: string,
    extra: Record<string, string> = {},
  ): KubeObject['metadata'] {
    return {
      name,
      namespace: input.namespace,
      labels: {
        ...MANAGED_BY,
        [STRATA_CLUSTER_LABEL]: input.name,
        [STRATA_CLUSTER_UID_LABEL]: input.uid,
        [CAPI_CLUSTER_NAME_LABEL]: input.name,
        ...extra,
      },
    };
  }

  private kubeletArgs(input: ClusterInput): JsonObject[] | undefined {
    return args(input.kubeadm?.kubeletExtraArgs);
  }

  private nodeSetup(input: ClusterInput): JsonObject {
    const k = input.kubeadm ?? {};
    return without({
      files: k.files?.length
        ? k.files.map((f) => ({ path: f.path, content: f.content, permissions: f.permissions ?? '0600' }))
        : undefined,
      preKubeadmCommands: k.preKubeadmCommands?.length ? [...k.preKubeadmCommands] : undefined,
      postKubeadmCommands: k.postKubeadmCommands?.length ? [...k.postKubeadmCommands] : undefined,
    });
  }

  private machineTemplate(
    input: ClusterInput,
    role: 'control-plane' | 'worker',
    base: string,
    machine?: MachineShape,
  ) {
    const spec = this.infra.machineSpec(input, machine, role);
    // The machine shape is hashed too: an infrastructure that does not render a field still rolls on its change.
    const name = `${base}-${hashOf({ spec, machine: (machine ?? {}) as JsonObject })}`;
    const object: KubeObject = {
      apiVersion: `${INFRA_GROUP}/v1beta2`,
      kind: this.infra.machineTemplateKind,
      metadata: this.meta(input, name),
      spec: { template: { spec } },
    };
    return { name, object };
  }

  private bootstrapTemplate(input: ClusterInput, pool: PoolInput) {
    const spec = without({
      joinConfiguration: without({
        nodeRegistration: without({ criSocket: CRI_SOCKET, kubeletExtraArgs: this.kubeletArgs(input) }),
      }),
      ...this.nodeSetup(input),
    });
    const name = `${input.name}-${pool.name}-${hashOf(spec)}`;
    const object: KubeObject = {
      apiVersion: `${BOOTSTRAP_GROUP}/v1beta2`,
      kind: 'KubeadmConfigTemplate',
      metadata: this.meta(input, name, { [STRATA_POOL_LABEL]: pool.name }),
      spec: { template: { spec } },
    };
    return { name, object };
  }

  /** What the spec asks each pool to run (unpinned): compare with what runs to find outdated pools. */
  desired(input: ClusterInput): { controlPlane: Pinned; pools: Record<string, Pinned> } {
    const cp = this.machineTemplate(
      input,
      'control-plane',
      `${input.name}-control-plane`,
      input.controlPlane.machine,
    );
    return {
      controlPlane: { version: input.kubernetesVersion, machineTemplate: cp.name },
      pools: Object.fromEntries(
        input.pools.map((pool) => [
          pool.name,
          {
            version: input.kubernetesVersion,
            machineTemplate: this.machineTemplate(input, 'worker', `${input.name}-${pool.name}`, pool.machine)
              .name,
            bootstrapTemplate: this.bootstrapTemplate(input, pool).name,
          },
        ]),
      ),
    };
  }

  /** Every object, templates first (so references resolve when applied in order), the Cluster last. */
  render(input: ClusterInput): KubeObject[] {
    const objects: KubeObject[] = [];
    const network = input.network ?? {};
    const infraCluster: KubeObject = {
      apiVersion: `${INFRA_GROUP}/v1beta2`,
      kind: this.infra.clusterKind,
      metadata: {
        ...this.meta(input, input.name),
        ...(this.infra.clusterAnnotations ? { annotations: { ...this.infra.clusterAnnotations } } : {}),
      },
      spec: this.infra.clusterSpec(input),
    };
    const cpPinned = input.controlPlane.pinned;
    const cpTemplate = this.machineTemplate(
      input,
      'control-plane',
      `${input.name}-control-plane`,
      input.controlPlane.machine,
    );
    objects.push(infraCluster);
    if (!cpPinned) objects.push(cpTemplate.object);
    const nodeRegistration = without({ criSocket: CRI_SOCKET, kubeletExtraArgs: this.kubeletArgs(input) });
    const kcp: KubeObject = {
      apiVersion: `${CONTROL_PLANE_GROUP}/v1beta2`,
      kind: 'KubeadmControlPlane',
      metadata: this.meta(input, `${input.name}-control-plane`),
      spec: {
        replicas: input.controlPlane.replicas,
        version: cpPinned?.version ?? input.kubernetesVersion,
        machineTemplate: {
          metadata: {
            labels: {
              [STRATA_CLUSTER_LABEL]: input.name,
              [STRATA_POOL_LABEL]: input.controlPlane.pool ?? 'control-plane',
            },
          },
          spec: {
            infrastructureRef: ref(
              INFRA_GROUP,
              this.infra.machineTemplateKind,
              cpPinned?.machineTemplate ?? cpTemplate.name,
            ),
          },
        },
        rollout: {
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: input.controlPlane.maxSurge ?? 1 } },
        },
        kubeadmConfigSpec: without({
          clusterConfiguration: without({
            apiServer: without({ extraArgs: args(input.kubeadm?.apiServerExtraArgs) }),
          }),
          initConfiguration: without({ nodeRegistration }),
          joinConfiguration: without({ nodeRegistration }),
          ...this.nodeSetup(input),
        }),
      },
    };
    objects.push(kcp);
    for (const pool of input.pools) {
      const poolLabel = { [STRATA_POOL_LABEL]: pool.name };
      const base = `${input.name}-${pool.name}`;
      const machine = this.machineTemplate(input, 'worker', base, pool.machine);
      const bootstrap = this.bootstrapTemplate(input, pool);
      const pinned = pool.pinned;
      if (!pinned) objects.push(machine.object, bootstrap.object);
      const bootstrapName = pinned?.bootstrapTemplate ?? bootstrap.name;
      objects.push({
        apiVersion: CAPI_VERSION,
        kind: 'MachineDeployment',
        metadata: this.meta(input, base, poolLabel),
        spec: {
          clusterName: input.name,
          replicas: pool.replicas,
          selector: { matchLabels: { [STRATA_CLUSTER_LABEL]: input.name, [STRATA_POOL_LABEL]: pool.name } },
          template: {
            metadata: {
              labels: {
                ...(pool.nodeLabels ?? {}),
                [STRATA_CLUSTER_LABEL]: input.name,
                [STRATA_POOL_LABEL]: pool.name,
              },
            },
            spec: {
              ...(pool.taints?.length
                ? { taints: pool.taints.map((t) => without({ ...t, propagation: 'Always' })) }
                : {}),
              clusterName: input.name,
              version: pinned?.version ?? input.kubernetesVersion,
              bootstrap: { configRef: ref(BOOTSTRAP_GROUP, 'KubeadmConfigTemplate', bootstrapName) },
              infrastructureRef: ref(
                INFRA_GROUP,
                this.infra.machineTemplateKind,
                pinned?.machineTemplate ?? machine.name,
              ),
            },
          },
          rollout: {
            strategy: {
              type: 'RollingUpdate',
              rollingUpdate: { maxSurge: pool.maxSurge ?? 1, maxUnavailable: pool.maxUnavailable ?? 0 },
            },
          },
        },
      });
    }
    objects.push({
      apiVersion: CAPI_VERSION,
      kind: 'Cluster',
      metadata: this.meta(input, input.name),
      spec: {
        paused: input.paused === true,
        clusterNetwork: {
          pods: { cidrBlocks: network.podCidrs ?? ['192.168.0.0/16'] },
          services: { cidrBlocks: network.serviceCidrs ?? ['10.128.0.0/12'] },
          serviceDomain: network.serviceDomain ?? 'cluster.local',
        },
        infrastructureRef: ref(INFRA_GROUP, this.infra.clusterKind, input.name),
        controlPlaneRef: ref(CONTROL_PLANE_GROUP, 'KubeadmControlPlane', `${input.name}-control-plane`),
      },
    });
    return objects;
  }
}

/** Simulated provisioning times of the in-memory machines (short: they are simulations). */
const IN_MEMORY_STARTUP: JsonObject = {
  vm: { provisioning: { startupDuration: '3s', startupJitter: '0.2' } },
  node: { provisioning: { startupDuration: '1s', startupJitter: '0.2' } },
  apiServer: { provisioning: { startupDuration: '1s', startupJitter: '0.2' } },
  etcd: { provisioning: { startupDuration: '1s', startupJitter: '0.2' } },
};

/** The in-memory infrastructure (DevCluster/DevMachineTemplate with `backend.inMemory`): no real machines. */
export const IN_MEMORY: Infrastructure = {
  name: 'in-memory',
  clusterKind: 'DevCluster',
  machineTemplateKind: 'DevMachineTemplate',
  runsWorkloads: false,
  clusterSpec: () => ({ backend: { inMemory: {} } }),
  // v1.14.2's in-memory DevCluster backend writes its listener annotation into the object's annotation map without
  // creating it: a DevCluster without annotations panics there for ever. Give it one.
  clusterAnnotations: { 'strata.dev/infrastructure': 'in-memory' },
  machineSpec: () => ({ backend: { inMemory: IN_MEMORY_STARTUP } }),
};
