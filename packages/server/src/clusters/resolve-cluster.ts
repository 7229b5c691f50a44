/**
 * From a Cluster spec to the stack its agent applies: finds the attached profile versions (the cluster's project
 * first, then tenant-wide ones), checks they are published and that exactly one is an infra/full profile, and
 * resolves them with the cluster's variables, overrides, macros and system values. Every problem comes back at
 * once with a JSON pointer into the Cluster (`/spec/profiles/1/variables/replicas`).
 */
import type { ClusterSpec, Issue, Resource } from '@strata/api';
import {
  clusterSpecIssues,
  hashStack,
  tryResolveProfiles,
  type AttachedProfileType,
  type ProfileDocument,
  type ResolvedStack,
} from '@strata/core';
import type { ResourceRepository } from '@strata/store';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { loadMacros } from '../profiles/macros.js';
import { isPublished } from '../profiles/profile-hooks.js';
import { revealStoredDefaults } from '../profiles/sealed-defaults.js';
import type { SecretCipher } from '../resources/secret-fields.js';

export interface ClusterIdentity {
  tenant: string;
  project: string;
  name: string;
  /** Unknown before the object is created (validation resolves with a placeholder). */
  uid?: string;
}

export interface ResolveClusterInput {
  store: ResourceRepository;
  catalogs: TenantCatalogs;
  cluster: ClusterIdentity;
  spec: ClusterSpec;
  /** Providers the server knows (for the spec checks). */
  providers: readonly string[];
  /** Reveals the sealed defaults of the profiles' sensitive variables. */
  cipher: SecretCipher;
  /** Variables the cluster had (immutable variables may not change); by profile name. */
  previousVariables?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

export interface ResolvedCluster {
  stack?: ResolvedStack;
  issues: Issue[];
  /** The attached profile versions that were found, index-aligned with spec.profiles. */
  profiles: (Resource | undefined)[];
  /** The values of the cluster's sensitive variables: masked wherever something derived from the stack is shown. */
  secrets: string[];
  /** The system values the templates read (`cluster.name` ...); none when nothing was rendered. */
  systemReads: string[];
}

const PLACEHOLDER_UID = '00000000-0000-0000-0000-000000000000';

/** Reads one attached profile version: the cluster's project first, then the tenant's shared profiles. */
export async function findProfile(
  store: ResourceRepository,
  cluster: ClusterIdentity,
  name: string,
  version: string,
): Promise<Resource | undefined> {
  const scope = { tenant: cluster.tenant, projects: '*' as const };
  for (const project of [cluster.project, '']) {
    const found = await store.get(scope, {
      kind: 'ClusterProfile',
      tenant: cluster.tenant,
      project,
      name,
      version,
    });
    if (found && !found.metadata.deletedAt) return found;
  }
  return undefined;
}

export async function resolveCluster(input: ResolveClusterInput): Promise<ResolvedCluster> {
  const { spec, cluster } = input;
  const refs = spec.profiles ?? [];
  const issues: Issue[] = [];
  const profiles = await Promise.all(
    refs.map((ref) => findProfile(input.store, cluster, ref.name, ref.version)),
  );
  refs.forEach((ref, i) => {
    const at = `/spec/profiles/${i}`;
    if (ref.project !== undefined && ref.project !== cluster.project) {
      issues.push({
        path: `${at}/project`,
        message: `profiles of another project ("${ref.project}") cannot be attached; use this project's or a tenant-wide profile`,
      });
    }
    const profile = profiles[i];
    if (!profile) {
      issues.push({
        path: `${at}/version`,
        message: `ClusterProfile "${ref.name}" version ${ref.version} not found in project "${cluster.project}" or the tenant`,
        code: 'STRATA_REFERENCE_NOT_FOUND',
      });
    } else if (!isPublished(profile)) {
      issues.push({
        path: `${at}/version`,
        message: `ClusterProfile "${ref.name}" version ${ref.version} is a draft; publish it before attaching it to a cluster`,
      });
    }
  });
  const types: AttachedProfileType[] = profiles.map(
    (p) => (p?.spec.type as AttachedProfileType | undefined) ?? undefined,
  );
  issues.push(
    ...clusterSpecIssues(spec, {
      providers: input.providers,
      // Type rules need every profile; a missing one is already reported above.
      ...(profiles.every(Boolean) ? { profileTypes: types } : {}),
    }),
  );
  if (issues.length > 0) return { issues, profiles, secrets: [], systemReads: [] };
  // No profiles (an imported cluster only watched, for instance): the agent gets an empty stack.
  if (refs.length === 0)
    return {
      stack: { layers: [], hash: hashStack([]), sensitive: [] },
      issues,
      profiles,
      secrets: [],
      systemReads: [],
    };

  const [catalog, macros] = await Promise.all([
    input.catalogs.get(cluster.tenant),
    loadMacros(input.store, cluster.tenant, cluster.project),
  ]);
  // Infra/full profiles first: their layers are the bottom of the stack.
  const order = refs
    .map((ref, i) => ({ ref, i, infra: types[i] === 'infra' || types[i] === 'full' }))
    .sort((a, b) => Number(b.infra) - Number(a.infra) || a.i - b.i);
  const result = tryResolveProfiles({
    profiles: order.map(({ ref, i }) => ({
      profile: {
        ...profiles[i],
        spec: revealStoredDefaults(profiles[i]!.spec, input.cipher),
      } as unknown as ProfileDocument,
      path: `/spec/profiles/${i}`,
      ...(ref.variables ? { variables: ref.variables } : {}),
      ...(input.previousVariables?.[ref.name]
        ? { previousVariables: input.previousVariables[ref.name] }
        : {}),
      ...(ref.overrides ? { overrides: ref.overrides as never } : {}),
    })),
    catalog,
    macros,
    system: {
      cluster: { name: cluster.name, uid: cluster.uid ?? PLACEHOLDER_UID },
      project: { name: cluster.project },
      tenant: { name: cluster.tenant },
      provider: spec.provider,
      ...(spec.region ? { region: spec.region } : {}),
    },
  });
  return {
    ...(result.stack ? { stack: result.stack } : {}),
    issues: result.issues,
    profiles,
    secrets: result.secrets,
    systemReads: result.systemReads,
  };
}
