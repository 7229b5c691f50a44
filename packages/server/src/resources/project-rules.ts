import { KINDS, StrataError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import { accessScope, type Principal } from '../auth/principal.js';

/** Objects can only be created in a project that exists (and that the caller can see). */
export async function requireProject(
  store: ResourceRepository,
  principal: Principal,
  project: string | undefined,
): Promise<void> {
  if (project === undefined) return;
  const found = await store.get(accessScope(principal), {
    kind: 'Project',
    tenant: principal.tenant,
    project: '',
    name: project,
  });
  if (!found) throw new StrataError('STRATA_NOT_FOUND', `project "${project}" not found`);
}

/** A project is deleted only when it is empty, so nothing in it is orphaned. */
export async function refuseNonEmptyProject(
  store: ResourceRepository,
  tenant: string,
  project: string,
): Promise<void> {
  const scope = { tenant, projects: [project] };
  for (const k of KINDS) {
    if ((k.scope !== 'project' && k.scope !== 'tenant-or-project') || k.readOnly) continue;
    const page = await store.list(scope, { kind: k.kind, project, limit: 1 });
    if (page.items.length > 0) {
      throw new StrataError(
        'STRATA_IN_USE',
        `project "${project}" still contains ${k.kind} objects; delete them first`,
      );
    }
  }
}
