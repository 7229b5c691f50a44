import type { PackSourceChart } from '@strata/api';
import { createPackCatalog, packFromResource, type InMemoryPackCatalog, type Pack } from '@strata/core';
import { listAll, type ResourceRepository } from '@strata/store';
import { packsFromHelmIndex, type HelmIndexEntry } from '../packs/helm-index.js';

export interface TenantCatalogsOptions {
  store: ResourceRepository;
  /** How long a tenant's catalog is reused; writes to packs and pack sources through this server invalidate it. */
  ttlMs?: number;
}

/**
 * The pack catalog of a tenant, as validation and resolution see it: the tenant's Pack objects (built-in packs are
 * seeded into every tenant at start, uploaded ones come from `strata pack push`) plus every chart version that its
 * PackSources have found.
 */
export class TenantCatalogs {
  readonly #store: ResourceRepository;
  readonly #ttlMs: number;
  readonly #cache = new Map<string, { catalog: InMemoryPackCatalog; at: number }>();

  constructor(options: TenantCatalogsOptions) {
    this.#store = options.store;
    this.#ttlMs = options.ttlMs ?? 5000;
  }

  invalidate(tenant: string): void {
    this.#cache.delete(tenant);
  }

  async get(tenant: string): Promise<InMemoryPackCatalog> {
    const hit = this.#cache.get(tenant);
    if (hit && Date.now() - hit.at < this.#ttlMs) return hit.catalog;
    const scope = { tenant, projects: '*' as const };
    const packs: Pack[] = (await listAll(this.#store, scope, { kind: 'Pack', project: '' })).map((r) =>
      packFromResource(r as unknown as Parameters<typeof packFromResource>[0]),
    );
    for (const source of await listAll(this.#store, scope, { kind: 'PackSource', project: '' })) {
      const charts = (source.status.charts as PackSourceChart[] | undefined) ?? [];
      const entries: HelmIndexEntry[] = charts.flatMap((c) =>
        c.versions.map((v) => ({ name: c.name, version: v.version, urls: [] })),
      );
      packs.push(...packsFromHelmIndex(String(source.spec.url), entries));
    }
    const catalog = createPackCatalog(packs);
    this.#cache.set(tenant, { catalog, at: Date.now() });
    return catalog;
  }
}
