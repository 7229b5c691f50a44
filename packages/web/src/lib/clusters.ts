import type { ClusterSpec, ClusterStatus, Resource } from '@strata/api';

export type ClusterObject = Resource<ClusterSpec, ClusterStatus>;
export type ClusterLayerStatus = NonNullable<ClusterStatus['layers']>[number];

/** The facts the fleet views filter and count by. */
export interface ClusterFacts {
  phase: string;
  health: string;
  drifted: boolean;
  agentDisconnected: boolean;
  updatesAvailable: boolean;
  pendingRepave: boolean;
  kubernetesVersion: string;
  deleting: boolean;
}

function condition(c: ClusterObject, type: string): string | undefined {
  return c.status?.conditions?.find((x) => x.type === type)?.status;
}

// Objects in the query cache are replaced (never mutated) when they change, so facts are computed once per version.
const factsCache = new WeakMap<ClusterObject, ClusterFacts>();

/** The facts of a cluster, computed once per object version. */
export function clusterFacts(c: ClusterObject): ClusterFacts {
  let f = factsCache.get(c);
  if (!f) {
    f = computeFacts(c);
    factsCache.set(c, f);
  }
  return f;
}

function computeFacts(c: ClusterObject): ClusterFacts {
  const s = c.status ?? {};
  const drifted =
    (s.layers ?? []).some((l) => l.state === 'Drifted' || (l.drift?.length ?? 0) > 0) ||
    condition(c, 'NoDrift') === 'False';
  const agentDisconnected =
    s.agent?.connected === false || (s.agent !== undefined && condition(c, 'AgentConnected') === 'False');
  return {
    phase: c.metadata.deletedAt && s.phase !== 'Deleting' ? 'Deleting' : (s.phase ?? 'Pending'),
    health: s.health ?? 'Unknown',
    drifted,
    agentDisconnected,
    updatesAvailable: (s.updatesAvailable?.length ?? 0) > 0,
    pendingRepave: s.pendingRepave !== undefined && !s.pendingRepave.approved,
    kubernetesVersion: s.kubernetesVersion ?? 'unknown',
    deleting: Boolean(c.metadata.deletedAt),
  };
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}
