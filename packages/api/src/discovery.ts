/**
 * What an agent finds in a cluster Strata did not build (import, issue 7): reported in `AgentStatusReport.discovery`,
 * stored in the Cluster's `status.discovery`, and turned into a draft profile by core's `generateProfile`.
 */

export const DISTRIBUTIONS = [
  'kubeadm',
  'k3s',
  'rke2',
  'eks',
  'aks',
  'gke',
  'openshift',
  'kind',
  'sandbox',
  'unknown',
] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface DiscoveredTaint {
  key: string;
  value?: string;
  effect: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
}

/** Nodes grouped by what they share (pool labels of the distribution, role, machine shape). */
export interface DiscoveredNodePool {
  name: string;
  controlPlane: boolean;
  count: number;
  ready: number;
  instanceType?: string;
  /** Capacity of one node (Kubernetes quantities). */
  cpu?: string;
  memory?: string;
  osImage?: string;
  kubeletVersion?: string;
  /** Labels every node of the pool carries, without per-node ones (hostname, ...). */
  labels: Record<string, string>;
  taints: DiscoveredTaint[];
}

export interface DiscoveredHelmRelease {
  name: string;
  namespace: string;
  chart: string;
  version: string;
  appVersion?: string;
  status: string;
  revision: number;
  /** The values the user supplied (`helm get values`), not the chart's defaults. */
  values: Record<string, unknown>;
}

/** A workload (or other top-level object) that no Helm release owns. */
export interface DiscoveredWorkload {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** What manages it when not Helm (e.g. a field manager such as kubectl-client-side-apply). */
  managedBy?: string;
}

export interface ClusterDiscovery {
  observedAt: string;
  /** How long discovery took (the target is < 10 s for 2,000 objects and 30 releases). */
  durationMs: number;
  kubernetesVersion: string;
  distribution: { name: Distribution; evidence: string[] };
  nodePools: DiscoveredNodePool[];
  cni: { name: string; version?: string; evidence: string }[];
  csi: {
    drivers: string[];
    storageClasses: { name: string; provisioner: string; default: boolean }[];
  };
  ingress: { name: string; namespace?: string; evidence: string }[];
  helmReleases: DiscoveredHelmRelease[];
  /** Objects no Helm release owns, by namespace ('' for cluster-scoped). */
  workloads: DiscoveredWorkload[];
  counts: { objects: number; namespaces: number; nodes: number };
}

/**
 * An object of an imported cluster chosen for a manifest layer of the generated profile
 * (`POST .../clusters/NAME/generate-profile`, `objects`). It must be one of `status.discovery.workloads`;
 * `apiVersion` may be left out when no other discovered workload has the same kind, namespace and name.
 */
export interface SelectedObject {
  apiVersion?: string;
  kind: string;
  /** Left out for cluster-scoped objects. */
  namespace?: string;
  name: string;
}

/** The body of `POST .../clusters/NAME/generate-profile`. */
export interface GenerateProfileRequest {
  /** The ClusterProfile to create (a new profile, or a new version of an existing one). */
  name: string;
  version: string;
  /**
   * Discovered workloads to copy, as the agent reads them now, into manifest layers (one per namespace, cleaned of
   * what the API server sets). At most MAX_SELECTED_OBJECTS. Objects gone since discovery are listed as unmatched.
   */
  objects?: SelectedObject[];
}

export const MAX_SELECTED_OBJECTS = 500;

/**
 * `Kind namespace/name`, or `Kind name` when cluster-scoped: how generated profiles name an object in `matched` and
 * `unmatched` (the CLI and the console find selected objects there by this name).
 */
export function objectItem(o: { kind: string; namespace?: string | undefined; name: string }): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}
