import {
  ClusterGroupKind,
  RolloutKind,
  collectionPath,
  objectPath,
  type FleetClusters,
  type FleetUpdates,
  type GroupMembers,
  type Resource,
  type ResourceInput,
  type RolloutPlan,
  type RolloutSpec,
  type RolloutStatus,
} from '@strata/api';
import type { StrataClient } from './client.js';

/** A Rollout as the server returns it. */
export type Rollout = Resource<RolloutSpec, RolloutStatus>;

export interface FleetScope {
  /** A project, or undefined for the tenant's groups and rollouts. */
  project?: string | undefined;
  signal?: AbortSignal | undefined;
}

export interface CallSignal {
  signal?: AbortSignal | undefined;
}

/** Filters of `clusters()`; a group is `NAME` (the tenant's) or `PROJECT/NAME`. */
export interface FleetClusterFilter {
  project?: string | undefined;
  group?: string | undefined;
  provider?: string | undefined;
  phase?: string | undefined;
  health?: string | undefined;
  /** Kubernetes version. */
  version?: string | undefined;
  /** Part of the name. */
  q?: string | undefined;
  offset?: number | undefined;
  limit?: number | undefined;
}

/**
 * Fleet operations: a group's live members, a rollout's plan, and the rollout switches (pause, resume, abort,
 * rollback), which are spec fields written with a merge patch (user intent), like any other change.
 */
export class FleetActions {
  private readonly client: StrataClient;

  constructor(client: StrataClient) {
    this.client = client;
  }

  /** The clusters the group selects now (those the caller may list). */
  async members(group: string, options: FleetScope = {}): Promise<GroupMembers> {
    return this.client.request<GroupMembers>({
      method: 'GET',
      path: `${objectPath(ClusterGroupKind, group, options.project)}/members`,
      signal: options.signal,
    });
  }

  /** What the rollout would do per cluster and batch; every check of a create runs, nothing is stored. */
  async plan(
    rollout: ResourceInput | { spec: Record<string, unknown> },
    options: FleetScope = {},
  ): Promise<RolloutPlan> {
    return this.client.request<RolloutPlan>({
      method: 'POST',
      path: `${collectionPath(RolloutKind, options.project)}/plan`,
      body: rollout,
      signal: options.signal,
    });
  }

  /** Clusters on outdated profile versions, grouped by profile and version (optionally of one project). */
  async updates(options: FleetScope = {}): Promise<FleetUpdates> {
    return this.client.request<FleetUpdates>({
      method: 'GET',
      path: '/v1/fleet/updates',
      query: { project: options.project },
      signal: options.signal,
    });
  }

  /**
   * Clusters of every project the caller may list, filtered and paged on the server (by project then name), with
   * how many clusters have each project, provider, phase, health and Kubernetes version.
   */
  async clusters(filter: FleetClusterFilter = {}, options: CallSignal = {}): Promise<FleetClusters> {
    const query: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(filter)) if (v !== undefined && v !== '') query[k] = String(v);
    return this.client.request<FleetClusters>({
      method: 'GET',
      path: '/v1/fleet/clusters',
      query,
      signal: options.signal,
    });
  }

  /** Sets one of the rollout's switches. */
  async set(
    name: string,
    change: Pick<RolloutSpec, 'paused' | 'aborted' | 'rollback'>,
    options: FleetScope = {},
  ): Promise<Rollout> {
    return this.client.patch<Rollout>(RolloutKind, name, { spec: change }, options);
  }
}
