/**
 * What a Rollout does to one cluster, and in which order and batches it takes them: pure functions shared by the
 * plan route, the Rollout's validation and the Rollout controller.
 */
import type {
  ClusterProfileRef,
  ClusterSpec,
  ClusterSpecPart,
  IntOrPercent,
  Resource,
  RolloutChange,
  RolloutStrategy,
} from '@strata/api';
import { canonicalJson } from '@strata/core';

/** The parts of a cluster's spec a rollout reads and writes. */
export function specPart(spec: ClusterSpec): ClusterSpecPart {
  return {
    ...(spec.profiles ? { profiles: structuredClone(spec.profiles) } : {}),
    ...(spec.kubernetesVersion !== undefined ? { kubernetesVersion: spec.kubernetesVersion } : {}),
    ...(spec.policy ? { policy: structuredClone(spec.policy) } : {}),
  };
}

/** The spec parts after the change. */
export function applyChange(part: ClusterSpecPart, change: RolloutChange): ClusterSpecPart {
  let profiles = structuredClone((part.profiles ?? []) as ClusterProfileRef[]);
  if (change.removeProfile) profiles = profiles.filter((p) => p.name !== change.removeProfile);
  if (change.profile) {
    const { name, version, project, variables } = change.profile;
    const at = profiles.findIndex((p) => p.name === name);
    if (at >= 0) {
      const current = profiles[at]!;
      const vars = { ...(current.variables ?? {}), ...(variables ?? {}) };
      profiles[at] = {
        ...current,
        version,
        ...(project ? { project } : {}),
        ...(Object.keys(vars).length > 0 ? { variables: vars } : {}),
      };
    } else {
      profiles.push({ name, version, ...(project ? { project } : {}), ...(variables ? { variables } : {}) });
    }
  }
  const policy = change.policy
    ? { ...((part.policy as object | undefined) ?? {}), ...change.policy }
    : part.policy;
  const kubernetesVersion = change.kubernetesVersion ?? part.kubernetesVersion;
  return {
    ...(profiles.length > 0 || part.profiles ? { profiles } : {}),
    ...(kubernetesVersion !== undefined ? { kubernetesVersion } : {}),
    ...(policy !== undefined ? { policy } : {}),
  };
}

export function samePart(a: ClusterSpecPart, b: ClusterSpecPart): boolean {
  return canonicalJson(normal(a)) === canonicalJson(normal(b));
}

/** Empty lists and objects count as absent (a cluster without `policy` equals one with `policy: {}`). */
function normal(p: ClusterSpecPart): ClusterSpecPart {
  const empty = (v: unknown) =>
    v === undefined ||
    (Array.isArray(v) ? v.length === 0 : typeof v === 'object' && v !== null && Object.keys(v).length === 0);
  return {
    ...(!empty(p.profiles) ? { profiles: p.profiles } : {}),
    ...(p.kubernetesVersion !== undefined && p.kubernetesVersion !== 'from-profile'
      ? { kubernetesVersion: p.kubernetesVersion }
      : {}),
    ...(!empty(p.policy) ? { policy: p.policy } : {}),
  };
}

/** A count or a percentage of `total`, at least 1 (percentages round up, like Kubernetes' maxSurge). */
export function countOf(value: IntOrPercent | undefined, total: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return value;
  return Math.ceil((Number(value.slice(0, -1)) / 100) * total);
}

/** The clusters in the order the strategy asks for: `first` names first, then by name, project or label. */
export function orderClusters(
  clusters: readonly Resource[],
  order: RolloutStrategy['order'] = {},
): Resource[] {
  const by = order.by ?? 'name';
  const labelOf = (c: Resource) => (order.label ? (c.metadata.labels[order.label] ?? '\uffff') : '');
  const sortKey = (c: Resource): string[] => {
    const project = c.metadata.project ?? '';
    if (by === 'project') return [project, c.metadata.name];
    if (by === 'label') return [labelOf(c), c.metadata.name, project];
    return [c.metadata.name, project];
  };
  const compare = (a: Resource, b: Resource) => {
    const ka = sortKey(a);
    const kb = sortKey(b);
    for (let i = 0; i < ka.length; i++) {
      if (ka[i]! < kb[i]!) return -1;
      if (ka[i]! > kb[i]!) return 1;
    }
    return 0;
  };
  const sorted = [...clusters].sort(compare);
  const first = order.first ?? [];
  if (first.length === 0) return sorted;
  const rank = new Map(first.map((name, i) => [name, i]));
  const head = sorted.filter((c) => rank.has(c.metadata.name));
  head.sort((a, b) => rank.get(a.metadata.name)! - rank.get(b.metadata.name)!);
  return [...head, ...sorted.filter((c) => !rank.has(c.metadata.name))];
}

export interface BatchPlan<T> {
  name: string;
  members: T[];
}

/**
 * Splits the clusters to change into the canary (named clusters, or the first `count`) and batches of
 * `batchSize` (default 10; a percentage of all clusters to change).
 */
export function planBatches<T extends { name: string }>(
  ordered: readonly T[],
  strategy: RolloutStrategy = {},
): BatchPlan<T>[] {
  const batches: BatchPlan<T>[] = [];
  let rest = [...ordered];
  const canary = strategy.canary;
  if (canary) {
    const named = new Set(canary.clusters ?? []);
    const members = named.size > 0 ? rest.filter((c) => named.has(c.name)) : rest.slice(0, canary.count ?? 1);
    if (members.length > 0) {
      batches.push({ name: 'canary', members });
      const taken = new Set(members);
      rest = rest.filter((c) => !taken.has(c));
    }
  }
  const size = Math.max(1, countOf(strategy.batchSize, ordered.length, 10));
  for (let i = 0; i < rest.length; i += size) {
    batches.push({
      name: `batch-${batches.filter((b) => b.name !== 'canary').length + 1}`,
      members: rest.slice(i, i + size),
    });
  }
  return batches;
}
