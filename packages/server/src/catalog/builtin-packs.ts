import { packDigest, packToResource, type Pack } from '@strata/core';
import type { ResourceRepository } from '@strata/store';
import { ensureBuiltinRoles } from '../auth/bootstrap.js';

export const BUILTIN_LABEL = 'strata.dev/builtin';
const actor = { name: 'system:catalog' };

/**
 * Makes the built-in catalog (packs/ in the repository) present as Pack objects in a tenant: creates missing ones
 * and refreshes changed ones (the catalog ships with Strata, so a new release may fix a built-in pack). Idempotent.
 */
export async function seedBuiltinPacks(
  store: ResourceRepository,
  tenant: string,
  packs: readonly Pack[],
): Promise<{ created: number; updated: number }> {
  const scope = { tenant, projects: '*' as const };
  let created = 0;
  let updated = 0;
  for (const pack of packs) {
    const body = packToResource({ ...pack, digest: pack.digest ?? packDigest(pack) });
    const key = { kind: 'Pack', tenant, project: '', name: pack.name, version: pack.version };
    const existing = await store.get(scope, key);
    const spec = body.spec as unknown as Record<string, unknown>;
    if (!existing) {
      try {
        await store.create(scope, { key, labels: { [BUILTIN_LABEL]: 'true' }, spec }, actor);
        created++;
      } catch (err) {
        if ((err as { code?: string }).code !== 'STRATA_ALREADY_EXISTS') throw err;
      }
    } else if (existing.spec.digest !== spec.digest && existing.metadata.labels[BUILTIN_LABEL] === 'true') {
      await store.update(scope, { key, labels: existing.metadata.labels, spec }, actor);
      updated++;
    }
  }
  return { created, updated };
}

/** At start: every tenant gets any missing built-in role and the current built-in packs (repairs half-made tenants). */
export async function repairTenants(store: ResourceRepository, packs: readonly Pack[]): Promise<void> {
  const page = await store.list({ tenant: '', projects: '*' }, { kind: 'Tenant', project: '', limit: 1000 });
  for (const t of page.items) {
    await ensureBuiltinRoles(store, t.metadata.name);
    await seedBuiltinPacks(store, t.metadata.name, packs);
  }
}
