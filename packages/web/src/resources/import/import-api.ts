/** What the Import wizard needs beyond the typed client: the shapes it works with and a few readers of a Cluster. */
import type { ClusterDiscovery, SelectedObject } from '@strata/api';
import type { GeneratedProfileResult, ImportLink } from '@strata/client';
import type { ClusterObject } from '../../lib/clusters';

export type { ImportLink };
export type GenerateProfileResult = GeneratedProfileResult;
export type GeneratedProfileObject = GeneratedProfileResult['profile'];

/** A generated draft with the objects the request selected (to tell which of them the agent could not read). */
export interface Generated {
  result: GenerateProfileResult;
  requested: readonly SelectedObject[];
}

/** The annotation the server puts on a generated profile: `cluster/NAME`. */
export const GENERATED_FROM = 'strata.dev/generated-from';

/** The last discovery report of an imported cluster's agent (`status.discovery`), if any. */
export function discoveryOf(cluster: ClusterObject | undefined): ClusterDiscovery | undefined {
  return (cluster?.status as { discovery?: ClusterDiscovery } | undefined)?.discovery;
}

export const IMPORTED = 'imported';

export type ImportMode = 'read-only' | 'full';
export type ConnectBy = 'server' | 'manifest';

export function importOf(cluster: ClusterObject | undefined): { mode?: ImportMode; connect: ConnectBy } {
  const i = cluster?.spec.import;
  return { mode: i?.mode, connect: i?.connect ?? 'server' };
}
