/**
 * The import calls of the wizard: the one-time agent-manifest link and profile generation, through the typed client.
 */
import type { ClusterDiscovery } from '@strata/api';
import type { GeneratedProfileResult, ImportLink, StrataClient } from '@strata/client';
import type { ClusterObject } from '../../lib/clusters';

export type { ImportLink };
export type GenerateProfileResult = GeneratedProfileResult;
export type GeneratedProfileObject = GeneratedProfileResult['profile'];

/** A one-time link to the agent manifest of a cluster imported with `connect: manifest`. */
export function requestImportLink(
  client: StrataClient,
  name: string,
  request: { expiresInSeconds?: number },
  options: { project: string },
): Promise<ImportLink> {
  return client.clusters.importLink(name, request, options);
}

/** `POST .../clusters/NAME/generate-profile` → the stored draft and what each discovered item became. */
export function generateProfile(
  client: StrataClient,
  cluster: string,
  request: { name: string; version: string },
  options: { project: string },
): Promise<GenerateProfileResult> {
  return client.clusters.generateProfile(cluster, request, options);
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
