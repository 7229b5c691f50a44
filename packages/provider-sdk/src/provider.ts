/**
 * The provider contract: the only way Strata reaches infrastructure. docs/contracts/provider.md lists the
 * MUST/SHOULD rules; runProviderConformance() checks them against a real provider.
 */
import type { AgentMode, ClusterSpec, Issue } from '@strata/api';

/** Label every node MUST carry: the name of its node pool. */
export const NODE_POOL_LABEL = 'strata.dev/node-pool';

/** What a provider is asked to make real: one Cluster, as the controller resolved it. */
export interface ProviderCluster {
  /** Unique per provider instance (DNS-1123 label); the provider names its infrastructure after it. */
  name: string;
  spec: ClusterSpec;
  /** The resolved Kubernetes version (explicit spec.kubernetesVersion or the k8s layer's), e.g. `v1.36.3`. */
  kubernetesVersion: string;
  /** Identity of the OS layer (e.g. `ubuntu@24.04.1#<hash>`); a change means the machines are repaved. */
  osImage?: string;
  /** The Gateway the cluster is assigned to (`spec.gateway`), for gateway providers. */
  gateway?: GatewayRef;
}

/** A Gateway by name as a cluster sees it: the cluster's project's gateway of that name, else its tenant's. */
export interface GatewayRef {
  tenant: string;
  /** The cluster's project. */
  project: string;
  name: string;
}

/** The decrypted CloudAccount (never logged, never stored by the provider). Absent for sandbox. */
export interface ProviderAccount {
  provider: string;
  region?: string;
  config?: Readonly<Record<string, string>>;
  credentials: Readonly<Record<string, string>>;
}

export interface NodePoolProgress {
  name: string;
  /** The count the spec asks for. */
  desired: number;
  /** Nodes of the pool that are Ready. */
  ready: number;
  /** Nodes of the pool that exist but do not match the desired machine (OS, version, shape): a repave replaces them. */
  outdated: number;
  /** Kubernetes version of the pool's nodes (the oldest when mixed). */
  version?: string;
}

/** Observed state after one ensure/scale/repave step. `ready` = everything matches the spec (except outdated nodes). */
export interface ClusterProgress {
  infrastructureReady: boolean;
  controlPlaneReady: boolean;
  nodePools: NodePoolProgress[];
  /** The version the control plane runs. */
  kubernetesVersion?: string;
  /** API server URL. */
  endpoint?: string;
  /** One line for status/conditions, e.g. "2/3 nodes of workers Ready". */
  message: string;
  ready: boolean;
}

export type DeleteResult = { done: true } | { done: false; message: string };

export interface ProviderCapabilities {
  /** Versions `ensure` can create right now (normalised `vX.Y.Z`). */
  kubernetesVersions: string[];
  scaling: boolean;
  repave: boolean;
  /** Can move a running control plane to another Kubernetes version (needs at least two versions). */
  upgrade: boolean;
}

export interface PoolOptions {
  /** Name of a pool in cluster.spec.nodePools. */
  pool: string;
}

/** How the cluster's strata-agent is to be run (docs/contracts/agent-protocol.md). */
export interface AgentLaunch {
  /** The server URL as reachable from where the agent runs. */
  serverUrl: string;
  /**
   * The agent token, when newly issued or rotated (a secret: never log it). Omitted on later calls: the provider keeps
   * the token it was given last; if it has none, it answers `tokenRequired` and the server issues a new one.
   */
  token?: string;
  mode: AgentMode;
}

export interface AgentProgress {
  running: boolean;
  /** The provider has no token for the agent (e.g. its state was lost): issue one and call again. */
  tokenRequired?: boolean;
  /** True when this call (re)started the agent. */
  started?: boolean;
  message: string;
}

export interface Provider {
  /** The value of spec.provider this provider serves, e.g. `sandbox`. */
  readonly name: string;
  /** Runs clusters through a Gateway (Cluster API): `spec.gateway` is required and `cluster.gateway` is set. */
  readonly usesGateway?: boolean;
  /**
   * False when the machines are simulated and run nothing (Cluster API's in-memory infrastructure): no agent is
   * started, no layer applied, and a cluster is Running once its infrastructure is ready. Default true.
   */
  readonly runsWorkloads?: boolean;
  capabilities(): Promise<ProviderCapabilities>;
  /** Every problem with the cluster's infrastructure spec and account, with JSON pointers (`/spec/...`). Pure of side effects. */
  validate(cluster: ProviderCluster, account?: ProviderAccount): Promise<Issue[]>;
  /**
   * One idempotent step towards the spec: creates missing infrastructure and control plane, brings pool counts to
   * the spec, applies labels and taints in place. Never repaves and never changes the running Kubernetes version.
   */
  ensure(cluster: ProviderCluster): Promise<ClusterProgress>;
  /**
   * Replaces the pool's outdated nodes, rolling per updateStrategy: a replacement is Ready before the node it replaces
   * goes. On a control-plane pool this also moves the control plane to cluster.kubernetesVersion. Idempotent.
   */
  repavePool(cluster: ProviderCluster, options: PoolOptions): Promise<ClusterProgress>;
  /** An admin kubeconfig for the cluster (a secret: never log it). */
  kubeconfig(cluster: ProviderCluster): Promise<string>;
  /**
   * Runs the cluster's agent where the provider can supervise it (sandbox: a local process next to the control plane),
   * restarting it when it died or its launch changed. Idempotent. Providers without it get the agent as a Deployment
   * rendered by the server (`POST .../clusters/NAME/agent-manifest`).
   */
  ensureAgent?(cluster: ProviderCluster, launch: AgentLaunch): Promise<AgentProgress>;
  /**
   * Holds the provider's own controllers while `spec.policy.paused` (Cluster API: the Cluster's `spec.paused`), so
   * nothing changes the cluster behind Strata's back; the next `ensure` releases it. Called with the cluster as
   * stored (nothing resolved: a paused spec may not even be satisfiable). Idempotent; a missing cluster is fine.
   * Providers whose infrastructure changes only when Strata calls them do not need it.
   */
  pause?(cluster: ProviderCluster): Promise<void>;
  /** Destroys everything the provider made for the cluster. Idempotent: a missing cluster is `{done: true}`. */
  delete(cluster: ProviderCluster): Promise<DeleteResult>;
}
