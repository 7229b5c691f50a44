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
