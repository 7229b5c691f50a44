import type { Resource } from '@strata/api';
import { can, canSeeProject, type Principal } from '../auth/principal.js';
import { isPlainObject } from './merge-patch.js';
import type { Target } from './access.js';

/** An API key body that names no owner or the caller: anyone may create keys for themselves. */
export function ownsKey(principal: Principal, body: unknown): boolean {
  if (!isPlainObject(body) || !isPlainObject(body.spec)) return false;
  const user = body.spec.user;
  return user === undefined || user === principal.name;
}

/** Reads anyone may do about themselves: their user object, projects they can see. */
export function selfAccess(principal: Principal, target: Target, name: string, verb: string): boolean {
  if (verb !== 'get') return false;
  if (target.kind.kind === 'User') return name === principal.name;
  if (target.kind.kind === 'Project') return canSeeProject(principal, name);
  return false;
}

/** Lists that are filtered instead of refused: your own API keys, the projects you can see. */
export function listFilter(principal: Principal, target: Target): ((o: Resource) => boolean) | undefined {
  const kind = target.kind.kind;
  const sharedWithProjects = target.kind.sharedWithProjects === true;
  if (can(principal, { kind, verb: 'list', project: target.project, sharedWithProjects })) return undefined;
  if (kind === 'ApiKey') return (o) => o.spec.user === principal.name;
  if (kind === 'Project') return (o) => canSeeProject(principal, o.metadata.name);
  return undefined;
}
