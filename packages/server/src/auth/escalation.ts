import { StrataError } from '@strata/api';
import type { Principal } from './principal.js';

function split(p: string): [string, string] {
  const dot = p.indexOf('.');
  return [p.slice(0, dot), p.slice(dot + 1)];
}

/**
 * Does a set of patterns cover a required pattern, wildcards included? `*.get` is covered only by `*.get` or `*.*`;
 * `tenant.*` only by `tenant.*` (the kind wildcard never covers tenant management). Pure.
 */
export function covers(have: readonly string[], required: string): boolean {
  const [rk, rv] = split(required);
  return have.some((p) => {
    const [hk, hv] = split(p);
    const kindOk = rk === 'tenant' ? hk === 'tenant' : hk === '*' || (rk !== '*' && hk === rk);
    const verbOk = hv === '*' || (rv !== '*' && hv === rv);
    return kindOk && verbOk;
  });
}

/** The permissions a principal holds where `project` applies (tenant scope when undefined). */
export function heldAt(p: Principal, project: string | undefined): string[] {
  return project === undefined
    ? [...p.tenantPermissions]
    : [...p.tenantPermissions, ...(p.projectPermissions.get(project) ?? [])];
}

/**
 * Refuses to hand out what the caller does not hold (like Kubernetes' RBAC escalation check): binding or defining a
 * role, or acting for another user, needs every permission involved.
 */
export function requireCovers(
  caller: Principal,
  project: string | undefined,
  required: readonly string[],
  what: string,
): void {
  if (caller.type === 'system') return;
  const have = heldAt(caller, project);
  const missing = required.filter((r) => !covers(have, r));
  if (missing.length > 0) {
    throw new StrataError(
      'STRATA_FORBIDDEN',
      `${caller.name} cannot ${what}: it would grant permissions ${caller.name} does not hold (${missing.join(', ')})`,
    );
  }
}

/** Every permission a user holds anywhere (tenant scope and every project). */
export function allPermissions(p: Principal): string[] {
  return [...p.tenantPermissions, ...[...p.projectPermissions.values()].flat()];
}
