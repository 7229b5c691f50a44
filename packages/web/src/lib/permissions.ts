import { grants } from '@strata/api';

/** What the signed-in user may do, from `GET /v1/whoami` (tenant-scope and per-project `kind.verb` patterns). */
export interface Permissions {
  user: string;
  tenant: string;
  tenantPermissions: readonly string[];
  projects: Readonly<Record<string, readonly string[]>>;
}

/**
 * May the user do `verb` on `kind` in `project` (or at tenant scope when project is undefined)? The console hides
 * actions the server would refuse; the server still decides.
 */
export function can(p: Permissions | undefined, kind: string, verb: string, project?: string): boolean {
  if (!p) return false;
  if (grants(p.tenantPermissions, kind, verb)) return true;
  if (project !== undefined) return grants(p.projects[project] ?? [], kind, verb);
  return false;
}

/** The projects the user can see at all: every project with tenant-wide permissions, else its bindings. */
export function hasTenantAccess(p: Permissions | undefined): boolean {
  return (p?.tenantPermissions.length ?? 0) > 0;
}
