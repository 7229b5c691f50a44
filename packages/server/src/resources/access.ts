import { StrataError, type KindDefinition } from '@strata/api';
import { can, canSeeProject, type Principal } from '../auth/principal.js';

/** Where a request points: a kind, and the project from the URL (undefined for tenant scope). */
export interface Target {
  kind: KindDefinition;
  project?: string | undefined;
}

/** Checks that the URL scope fits the kind (a project-only kind needs a project, a tenant kind must not have one). */
export function checkScope(target: Target): void {
  const { kind, project } = target;
  if (kind.scope === 'project' && project === undefined) {
    throw new StrataError(
      'STRATA_BAD_REQUEST',
      `${kind.kind} objects live in a project: use /v1/projects/PROJECT/${kind.plural}`,
    );
  }
  if ((kind.scope === 'tenant' || kind.scope === 'system') && project !== undefined) {
    throw new StrataError(
      'STRATA_NOT_FOUND',
      `${kind.kind} objects are not project-scoped: use /v1/${kind.plural}`,
    );
  }
}

/**
 * Authorizes a verb. A caller who cannot see the project at all gets 404 (its existence is not revealed);
 * one who can see it but lacks the permission gets 403.
 */
export function authorize(principal: Principal, target: Target, verb: string): void {
  const { kind, project } = target;
  if (project !== undefined && !canSeeProject(principal, project)) {
    throw new StrataError('STRATA_NOT_FOUND', `project "${project}" not found`);
  }
  const allowed = can(principal, {
    kind: kind.kind,
    verb,
    project,
    sharedWithProjects: kind.sharedWithProjects === true,
  });
  if (!allowed) {
    const where = project === undefined ? 'at tenant scope' : `in project "${project}"`;
    throw new StrataError(
      'STRATA_FORBIDDEN',
      `${principal.name} may not ${verb} ${kind.kind} ${where} (needs ${kind.kind.toLowerCase()}.${verb})`,
    );
  }
}
