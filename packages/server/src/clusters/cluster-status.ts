/**
 * Writing part of a Cluster's status from outside its controller (the agent gateway's reports): read, change a
 * copy, write with the read resourceVersion, retry on conflict. Nothing is written when the change leaves the status
 * as it was, so a steady cluster causes no writes and no watch events. The controller itself computes its whole
 * status and writes it once per pass (controllers/cluster/).
 */
import { StrataError, type Resource } from '@strata/api';
import { canonicalJson } from '@strata/core';
import type { Actor, ObjectKey, ResourceRepository } from '@strata/store';

export type Status = Record<string, unknown>;

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
