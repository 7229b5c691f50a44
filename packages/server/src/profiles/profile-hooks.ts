import { StrataError, type Resource } from '@strata/api';
import { mergeMacros, validateProfile } from '@strata/core';
import { listAll, type ResourceRepository } from '@strata/store';
import { isPlainObject } from '../resources/merge-patch.js';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import type { KindHooks } from '../resources/kind-hooks.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import { loadMacros } from './macros.js';
import { revealGivenDefaults, sealDefaults } from './sealed-defaults.js';

export const PROFILE_DRAFT = 'Draft';
export const PROFILE_PUBLISHED = 'Published';

export function isPublished(profile: Resource): boolean {
  return profile.status.state === PROFILE_PUBLISHED;
}

/**
 * ClusterProfile versions: validated against the tenant's pack catalog and macros on every write (all issues at
 * once), editable only while Draft, and not deletable while clusters use them.
 */
export function clusterProfileHooks(catalogs: TenantCatalogs, cipher: SecretCipher): KindHooks {
  return {
    invalidCode: 'STRATA_PROFILE_INVALID',
    // validateProfile checks the shape too and reads any input: a bad version does not hide the other problems.
    validatesShape: true,
    initialStatus: () => ({ state: PROFILE_DRAFT }),
    async validate(ctx, input, previous) {
      const tenant = ctx.principal.tenant;
      const [catalog, macros] = await Promise.all([
        catalogs.get(tenant),
        loadMacros(ctx.store, tenant, ctx.project),
      ]);
      // A `********` default of a sensitive variable stands for the stored one: validate with that.
      const revealed = isPlainObject(input.spec)
        ? revealGivenDefaults(input.spec, previous?.spec, cipher)
        : { spec: input.spec, issues: [] };
      return [
        ...revealed.issues,
        ...validateProfile({
          profile: { ...input, spec: revealed.spec },
          catalog,
          macros: mergeMacros(macros) as Record<string, string>,
        }),
      ];
    },
    // Defaults of sensitive variables are stored encrypted and read back as ********.
    sealSpec: (_ctx, spec, previous) => Promise.resolve(sealDefaults(spec, previous?.spec, cipher)),
    guardUpdate(previous) {
      if (isPublished(previous)) {
        throw new StrataError(
          'STRATA_PROFILE_PUBLISHED',
          `${previous.metadata.name} ${String(previous.spec.version)} is published and immutable; clone it to make a new version (strata profile clone ${previous.metadata.name} --from ${String(previous.spec.version)} --to NEW)`,
        );
      }
    },
    async guardDelete(ctx, previous) {
      const users = await clustersUsing(ctx.store, previous);
      if (users.length > 0) {
        throw new StrataError(
          'STRATA_IN_USE',
          `${previous.metadata.name} ${String(previous.spec.version)} is used by clusters: ${users.join(', ')}; move them to another version first`,
        );
      }
    },
  };
}

/** `project/cluster` names of the clusters (not yet gone) that attach this profile version. */
export async function clustersUsing(store: ResourceRepository, profile: Resource): Promise<string[]> {
  const tenant = profile.metadata.tenant;
  const clusters = await listAll(
    store,
    { tenant, projects: '*' },
    profile.metadata.project ? { kind: 'Cluster', project: profile.metadata.project } : { kind: 'Cluster' },
  );
  return clusters
    .filter((c) =>
      ((c.spec.profiles as { name: string; version: string }[] | undefined) ?? []).some(
        (r) => r.name === profile.metadata.name && r.version === profile.spec.version,
      ),
    )
    .map((c) => `${c.metadata.project ?? ''}/${c.metadata.name}`);
}
