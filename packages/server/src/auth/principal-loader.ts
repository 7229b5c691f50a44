import { listAll, type ResourceRepository } from '@strata/store';
import type { Principal } from './principal.js';

interface TenantAccessData {
  roles: Map<string, string[]>;
  /** User UID → the UIDs of its teams. */
  teamsOf: Map<string, string[]>;
  bindings: { project: string; role: string; subjects: { kind: string; uid?: string }[] }[];
  loadedAt: number;
}

export interface PrincipalLoaderOptions {
  store: ResourceRepository;
  /** How long role/binding/team data is cached per tenant. Writes through this server invalidate at once. */
  ttlMs?: number;
  now?: () => number;
}

/** The user a principal is made for: its name (for display and audit) and its UID (what grants refer to). */
export interface UserIdentity {
  name: string;
  uid: string;
}

/**
 * Turns a user into a Principal by reading roles, teams and role bindings (cached briefly per tenant). Bindings and
 * teams are matched by UID only: a name that once belonged to someone else grants nothing.
 */
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

  async load(tenant: string, user: UserIdentity): Promise<Principal> {
    const data = await this.#data(tenant);
    const teams = new Set(data.teamsOf.get(user.uid) ?? []);
    const tenantPermissions: string[] = [];
    const projectPermissions = new Map<string, string[]>();
    for (const b of data.bindings) {
      const applies = b.subjects.some(
        (s) =>
          s.uid !== undefined &&
          ((s.kind === 'User' && s.uid === user.uid) || (s.kind === 'Team' && teams.has(s.uid))),
      );
      if (!applies) continue;
      const perms = data.roles.get(b.role) ?? [];
      if (b.project === '') tenantPermissions.push(...perms);
      else projectPermissions.set(b.project, [...(projectPermissions.get(b.project) ?? []), ...perms]);
    }
    return { type: 'user', name: user.name, uid: user.uid, tenant, tenantPermissions, projectPermissions };
  }

  /** The principal of the user that has this name now (no permissions when there is none). */
  async loadByName(tenant: string, name: string): Promise<Principal> {
    const user = await this.#store.get(
      { tenant, projects: '*' },
      { kind: 'User', tenant, project: '', name },
    );
    if (!user) return { type: 'user', name, tenant, tenantPermissions: [], projectPermissions: new Map() };
    return this.load(tenant, { name, uid: user.metadata.uid });
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
        subjects: (b.spec.subjects as { kind: string; uid?: string }[] | undefined) ?? [],
      })),
      loadedAt: this.#now(),
    };
    for (const t of teams) {
      for (const member of (t.spec.memberUids as string[] | undefined) ?? []) {
        data.teamsOf.set(member, [...(data.teamsOf.get(member) ?? []), t.metadata.uid]);
      }
    }
    this.#cache.set(tenant, data);
    return data;
  }
}
