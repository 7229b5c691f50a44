import type { AccessScope } from '@strata/store';
import { grants } from '@strata/api';

/** Who is calling, with everything needed to authorize a request. */
export interface Principal {
  type: 'user' | 'system';
  /** User name, or `system:<component>` for the platform itself. */
  name: string;
  /** The user's metadata.uid: what role bindings and teams refer to (absent for the platform). */
  uid?: string;
  tenant: string;
  /** Permissions from tenant-scope role bindings: they apply to the tenant and every project in it. */
  tenantPermissions: readonly string[];
  /** Permissions from project-scope role bindings. */
  projectPermissions: ReadonlyMap<string, readonly string[]>;
}

export function systemPrincipal(tenant: string, component: string): Principal {
  return {
    type: 'system',
    name: `system:${component}`,
    tenant,
    tenantPermissions: ['*.*', 'tenant.*'],
    projectPermissions: new Map(),
  };
}

/** The store scope of a principal: the projects it may see at all. */
export function accessScope(p: Principal): AccessScope {
  if (p.tenantPermissions.length > 0) return { tenant: p.tenant, projects: '*' };
  return { tenant: p.tenant, projects: [...p.projectPermissions.keys()] };
}

/** May the principal see anything in this project? (Decides 404 vs 403.) */
export function canSeeProject(p: Principal, project: string): boolean {
  return p.tenantPermissions.length > 0 || p.projectPermissions.has(project);
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

export interface PermissionCheck {
  kind: string;
  verb: string;
  /** The project of the object, or undefined for a tenant-scoped object. */
  project?: string | undefined;
  /** The kind may live at tenant scope and be shared read-only with projects (ClusterProfile, Macro, ...). */
  sharedWithProjects?: boolean;
}

export function can(p: Principal, check: PermissionCheck): boolean {
  const { kind, verb, project } = check;
  if (grants(p.tenantPermissions, kind, verb)) return true;
  if (project !== undefined) return grants(p.projectPermissions.get(project) ?? [], kind, verb);
  // Tenant-scoped objects shared with projects are readable by anyone who may read that kind in some project.
  if (check.sharedWithProjects && READ_VERBS.has(verb)) {
    for (const perms of p.projectPermissions.values()) if (grants(perms, kind, verb)) return true;
  }
  return false;
}
