// Response shapes of the fleet routes: a ClusterGroup's members (`GET .../clustergroups/NAME/members`) and a rollout's
// plan (`POST .../rollouts/plan`). Computed by the server, shown by the CLI and the console.

/** One member of a group, as it is now. */
export interface GroupMember {
  project: string;
  name: string;
  phase?: string;
  health?: string;
  labels: Record<string, string>;
}

export interface GroupMembers {
  items: GroupMember[];
  count: number;
}

/** change: the rollout would change it; skip: it would not, and why; blocked: the change is refused, and why. */
export type PlanOutcome = 'change' | 'skip' | 'blocked';

export interface RolloutPlanCluster {
  project: string;
  name: string;
  /** The batch it would be in (index into `batches`; a blocked cluster fails there); -1 when skipped. */
  batch: number;
  outcome: PlanOutcome;
  reason?: string;
  message?: string;
  /** outcome change: layers added / removed / changed (`profile/layer`), from the cluster plan. */
  layers?: { added: string[]; removed: string[]; changed: string[] };
  /** Pools the change repaves, and whether that waits for an approval. */
  repave?: string[];
  approvalRequired?: boolean;
  kubernetesVersion?: { from?: string; to?: string };
  /** A repave waits for the cluster's maintenance window: open now, or when the next opens (and whose it is). */
  window?: { open: boolean; next?: string; source: string };
}

export interface RolloutPlan {
  /** Canary first, then the batches: how many clusters each would take. */
  batches: { name: string; clusters: number }[];
  /** Every selected cluster, in rollout order. */
  clusters: RolloutPlanCluster[];
  /** Counts by outcome. */
  summary: Record<PlanOutcome, number>;
}

/** Clusters that could move to a newer published version of an attached profile, grouped (`GET /v1/fleet/updates`). */
export interface FleetUpdate {
  profile: string;
  from: string;
  to: string;
  clusters: { project: string; name: string }[];
  count: number;
}

export interface FleetUpdates {
  items: FleetUpdate[];
}

/** One cluster in the tenant-wide fleet view (`GET /v1/fleet/clusters`): what the view shows and filters by. */
export interface FleetCluster {
  project: string;
  name: string;
  provider: string;
  /** Pending until the Cluster controller saw it; Deleting once deletion started. */
  phase: string;
  health: string;
  /** The version the cluster runs (status), else `unknown`. */
  kubernetesVersion: string;
  /** Attached profile versions, `NAME@VERSION`. */
  profiles: string[];
  labels: Record<string, string>;
  /** The agent is known to be disconnected. */
  agentDisconnected: boolean;
  updatesAvailable: boolean;
}

/** How many visible clusters have each value (over every cluster the caller may list, not just the filtered). */
export interface FleetFacets {
  project: Record<string, number>;
  provider: Record<string, number>;
  phase: Record<string, number>;
  health: Record<string, number>;
  kubernetesVersion: Record<string, number>;
}

export interface FleetClusters {
  /** One page of the filtered clusters, by project then name. */
  items: FleetCluster[];
  /** How many clusters match the filters (every page). */
  total: number;
  offset: number;
  facets: FleetFacets;
}
