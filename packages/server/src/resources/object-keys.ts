import { findKind, type KindDefinition, type Resource } from '@strata/api';
import type { AccessScope, ObjectKey } from '@strata/store';
import { accessScope, type Principal } from '../auth/principal.js';

/** The store scope for a request: tenants themselves live above every tenant (tenant ''). */
export function storeScope(principal: Principal, kind: KindDefinition): AccessScope {
  return kind.scope === 'system' ? { tenant: '', projects: '*' } : accessScope(principal);
}

/** The key a new object gets: versioned kinds are keyed by their spec.version too. */
export function newObjectKey(
  scope: AccessScope,
  kind: KindDefinition,
  project: string | undefined,
  name: string,
  spec: Record<string, unknown>,
): ObjectKey {
  return {
    kind: kind.kind,
    tenant: scope.tenant,
    project: project ?? '',
    name,
    ...(kind.versioned ? { version: String(spec.version) } : {}),
  };
}

/** The key of a stored object. */
export function keyOf(obj: Resource): ObjectKey {
  const version = findKind(obj.kind)?.versioned ? String(obj.spec.version) : undefined;
  return {
    kind: obj.kind,
    tenant: obj.metadata.tenant,
    project: obj.metadata.project ?? '',
    name: obj.metadata.name,
    ...(version !== undefined ? { version } : {}),
  };
}
