import { listAll, type ResourceRepository } from '@strata/store';
import type { Principal } from './principal.js';

interface TenantAccessData {
  roles: Map<string, string[]>;
  teamsOf: Map<string, string[]>;
  bindings: { project: string; role: string; subjects: { kind: string; name: string }[] }[];
  loadedAt: number;
}

export interface PrincipalLoaderOptions {
  store: ResourceRepository;
  /** How long role/binding/team data is cached per tenant. Writes through this server invalidate at once. */
  ttlMs?: number;
  now?: () => number;
}

/** Turns a user name into a Principal by reading roles, teams and role bindings (cached briefly per tenant). */
export class PrincipalLoader {
  readonly #store: ResourceRepository;
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, TenantAccessData>();

  constructor(options: PrincipalLoaderOptions) {
    this.#store = options.store;
    this.#ttlMs = options.ttlMs ?? 2000;
    this.#now = options.now ?? Date.now;
  }

  invalidate(tenant: string): void {
    this.#cache.delete(tenant);
  }

  async load(tenant: string, user: string): Promise<Principal> {
    const data = await this.#data(tenant);
    const teams = new Set(data.teamsOf.get(user) ?? []);
    const tenantPermissions: string[] = [];
    const projectPermissions = new Map<string, string[]>();
    for (const b of data.bindings) {
      const applies = b.subjects.some(
        (s) => (s.kind === 'User' && s.name === user) || (s.kind === 'Team' && teams.has(s.name)),
      );
      if (!applies) continue;
      const perms = data.roles.get(b.role) ?? [];
      if (b.project === '') tenantPermissions.push(...perms);
      else projectPermissions.set(b.project, [...(projectPermissions.get(b.project) ?? []), ...perms]);
    }
    return { type: 'user', name: user, tenant, tenantPermissions, projectPermissions };
  }

  async #data(tenant: string): Promise<TenantAccessData> {
    const cached = this.#cache.get(tenant);
    if (cached && this.#now() - cached.loadedAt < this.#ttlMs) return cached;
    const scope = { tenant, projects: '*' as const };
    const [roles, teams, bindings] = await Promise.all([
      listAll(this.#store, scope, { kind: 'Role' }),
      listAll(this.#store, scope, { kind: 'Team' }),
      listAll(this.#store, scope, { kind: 'RoleBinding' }),
    ]);
    const data: TenantAccessData = {
      roles: new Map(roles.map((r) => [r.metadata.name, (r.spec.permissions as string[] | undefined) ?? []])),
      teamsOf: new Map(),
      bindings: bindings.map((b) => ({
        project: b.metadata.project ?? '',
        role: b.spec.role as string,
        subjects: (b.spec.subjects as { kind: string; name: string }[] | undefined) ?? [],
      })),
      loadedAt: this.#now(),
    };
    for (const t of teams) {
      for (const member of (t.spec.members as string[] | undefined) ?? []) {
        data.teamsOf.set(member, [...(data.teamsOf.get(member) ?? []), t.metadata.name]);
      }
    }
    this.#cache.set(tenant, data);
    return data;
  }
}
