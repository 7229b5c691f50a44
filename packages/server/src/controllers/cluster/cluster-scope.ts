/**
 * The state of one reconcile pass of a Cluster: what was read once at the start, and what each phase observed.
 * Phases share data through it (never through the controller), summarise turns it into the next status.
 */
import type { ClusterConditionType, ClusterSpec, ClusterStatus, Resource } from '@strata/api';
import type { ResolvedStack } from '@strata/core';
import type { ClusterProgress, Provider, ProviderCluster } from '@strata/provider-sdk';
import type { ObjectKey, ResourceRepository } from '@strata/store';
import type { ReconcileContext } from '../../controller-runtime/index.js';
import type { WindowState } from '../../fleet/maintenance.js';

/** What a repave phase found: nothing to repave, a repave waiting for approval, starting, or just finished. */
export type RepaveObservation =
  | { readonly state: 'None' }
  | {
      readonly state: 'Waiting' | 'Starting' | 'Done';
      /** Waiting although approved: outside the maintenance window, which next opens then (ISO time). */
      readonly window?: string;
      /** Identity of the request (kept while the target stays the same); approvals name it. */
      readonly id: string;
      readonly reason: string;
      /** Control-plane pools first, then workers. */
      readonly pools: readonly string[];
      /** The machine target the pools move to. */
      readonly target: string;
      readonly approvedBy?: string;
    };

/** A provider call that failed: the condition it sets False, and whether retrying can help. */
export interface ProviderFailure {
  readonly condition: Extract<
    ClusterConditionType,
    'InfrastructureReady' | 'AgentConnected' | 'NodePoolsReady'
  >;
  readonly message: string;
  readonly terminal: boolean;
}

/** Something that happened in this pass (an action, not a status transition): recorded as an Event. */
export interface ClusterEvent {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

export interface ClusterScope {
  /** The Cluster as fetched at the start of the pass. Never re-read: the status write compares its resourceVersion. */
  readonly cluster: Resource;
  /** Its status as read: summarise starts from it, transitions are measured against it. */
  readonly before: ClusterStatus;
  /** Time of this pass, from the reconcile context's clock. */
  readonly now: Date;
  /** 1 for the first attempt after a success, then 2, 3 … while failures repeat. */
  readonly attempt: number;

  /** Set by pause: policy.paused holds every change; `held` once the provider's own controllers hold too. */
  paused?: { readonly held: boolean; readonly message?: string };
  /** Set by delete while the provider removes the infrastructure: what it reports. */
  deleting?: { readonly message: string };
  /** Set by delete when the finalizer is gone: the object may be gone too, so there is no status to write. */
  gone?: boolean;

  /**
   * Set by resolve: the spec with write-only fields and sealed variables revealed (never stored or returned like
   * this), the cluster's provider, the resolved stack, its secrets for the agent, and what the provider builds.
   */
  spec?: ClusterSpec;
  provider?: Provider;
  /** False when the provider's machines run nothing (no agent, no layers): Running = infrastructure ready. */
  workloads?: boolean;
  stack?: ResolvedStack;
  secrets?: string[];
  target?: ProviderCluster;
  /** Set by resolve when the spec cannot be processed or satisfied: why (the cluster shows Failed, SpecValid False). */
  invalidSpec?: string;

  /** Set by infrastructure: what the provider reports about infrastructure, control plane and pools. */
  progress?: ClusterProgress;
  /** Set by infrastructure, agent or repave when their provider call failed. */
  providerFailure?: ProviderFailure;

  /**
   * Set by agent once the control plane is ready: whether the agent reports (its record's last heartbeat is within
   * the timeout), and the line to show while waiting for it.
   */
  agent?: {
    readonly connected: boolean;
    readonly message: string;
    readonly version?: string;
    readonly lastSeen?: string;
  };

  /** Set by desired state: the revision published for the agent, and newer published profile versions. */
  desired?: {
    readonly revision: number;
    readonly stackHash: string;
    readonly updatesAvailable: readonly { profile: string; from: string; to: string }[];
  };

  /** Set by maintenance: the windows that apply (the cluster's own or a group's), and whether one is open now. */
  maintenance?: { readonly source: string; readonly state: WindowState };

  /** Set by repave once the desired state is published. */
  repave?: RepaveObservation;

  /** Set by summarise: the status to write at the end of the pass. */
  status?: ClusterStatus;

  /** Actions of this pass (agent started, repave completed, deleted), recorded whatever the status write does. */
  readonly events: ClusterEvent[];
}

/** The key of a Cluster object. */
export function clusterKey(cluster: Resource): ObjectKey {
  return {
    kind: 'Cluster',
    tenant: cluster.metadata.tenant,
    project: cluster.metadata.project ?? '',
    name: cluster.metadata.name,
  };
}

/** Fetches the Cluster (any project of its tenant: controllers see everything), or undefined when it is gone. */
export function fetchCluster(store: ResourceRepository, key: ObjectKey): Promise<Resource | undefined> {
  return store.get({ tenant: key.tenant, projects: '*' }, key);
}

/** A new scope for one pass over `cluster`. */
export function newClusterScope(ctx: ReconcileContext, cluster: Resource): ClusterScope {
  return {
    cluster,
    before: structuredClone(cluster.status),
    now: new Date(ctx.clock.now()),
    attempt: ctx.attempt,
    events: [],
  };
}

/** policy.paused, read without touching anything else of the spec (which may not even be processable). */
export function isPaused(cluster: Resource): boolean {
  const policy = cluster.spec.policy;
  return typeof policy === 'object' && policy !== null && (policy as { paused?: unknown }).paused === true;
}
