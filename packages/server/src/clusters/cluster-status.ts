/**
 * Writing a Cluster's status from two places (the controller and the agent gateway) without losing either's
 * fields: read, change a copy, write with the read resourceVersion, retry on conflict. Nothing is written when the
 * change leaves the status as it was, so a steady cluster causes no writes and no watch events.
 */
import { StrataError, type Condition, type Resource } from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { Actor, ObjectKey, ResourceRepository } from '@strata/store';

export type ConditionType =
  | 'SpecValid'
  | 'InfrastructureReady'
  | 'ControlPlaneReady'
  | 'NodePoolsReady'
  | 'AgentConnected'
  | 'LayersApplied'
  | 'NoDrift';

export const CONDITION_ORDER: readonly ConditionType[] = [
  'SpecValid',
  'InfrastructureReady',
  'ControlPlaneReady',
  'NodePoolsReady',
  'AgentConnected',
  'LayersApplied',
  'NoDrift',
];

export type Status = Record<string, unknown>;

export function conditionsOf(status: Status): Condition[] {
  return (status.conditions as Condition[] | undefined) ?? [];
}

export function condition(status: Status, type: ConditionType): Condition | undefined {
  return conditionsOf(status).find((c) => c.type === type);
}

/** Sets one condition; lastTransitionTime moves only when the status value changes. Keeps CONDITION_ORDER. */
export function setCondition(
  status: Status,
  type: ConditionType,
  value: boolean | 'Unknown',
  reason: string,
  message: string,
  generation: number,
  now: Date = new Date(),
): void {
  const s = value === 'Unknown' ? 'Unknown' : value ? 'True' : 'False';
  const previous = condition(status, type);
  const next: Condition = {
    type,
    status: s,
    reason,
    message,
    lastTransitionTime: previous && previous.status === s ? previous.lastTransitionTime : now.toISOString(),
    observedGeneration: generation,
  };
  const others = conditionsOf(status).filter((c) => c.type !== type);
  status.conditions = [...others, next].sort(
    (a, b) =>
      CONDITION_ORDER.indexOf(a.type as ConditionType) - CONDITION_ORDER.indexOf(b.type as ConditionType),
  );
}

/**
 * Applies `mutate` to a fresh copy of the status and stores it if it changed. `mutate` may return false to skip
 * the write (e.g. the object moved on). Returns the stored object (or the unchanged one).
 */
export async function updateClusterStatus(
  store: ResourceRepository,
  key: ObjectKey,
  mutate: (status: Status, cluster: Resource) => boolean | void,
  actor?: Actor,
): Promise<Resource | undefined> {
  const scope = { tenant: key.tenant, projects: '*' as const };
  for (let attempt = 0; ; attempt++) {
    const cluster = await store.get(scope, key);
    if (!cluster) return undefined;
    const status = structuredClone(cluster.status) as Status;
    if (mutate(status, cluster) === false) return cluster;
    if (canonicalJson(status) === canonicalJson(cluster.status)) return cluster;
    try {
      return await store.updateStatus(
        scope,
        { key, status, expectedResourceVersion: cluster.metadata.resourceVersion },
        actor,
      );
    } catch (err) {
      if (attempt < 8 && err instanceof StrataError && err.code === 'STRATA_CONFLICT') continue;
      throw err;
    }
  }
}
