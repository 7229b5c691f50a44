import { StrataError } from '../errors.js';
import type { KindDefinition } from './kind.js';
import { AuditEntryKind, EventKind } from './records.js';
import { ClusterKind } from './cluster.js';
import { ClusterGroupKind, RolloutKind } from './fleet.js';
import { GatewayKind } from './gateway.js';
import { CloudAccountKind, MacroKind } from './config.js';
import { ClusterProfileKind, PackKind, PackSourceKind } from './packs.js';
import {
  ApiKeyKind,
  IdentityProviderKind,
  ProjectKind,
  RoleBindingKind,
  RoleKind,
  TeamKind,
  TenantKind,
  UserKind,
} from './tenancy.js';

export * from './kind.js';
export * from './tenancy.js';
export * from './config.js';
export * from './records.js';
export * from './packs.js';
export * from './fleet.js';
export * from './gateway.js';

/** Every kind the API serves, in documentation order. */
export const KINDS: readonly KindDefinition[] = [
  TenantKind,
  ProjectKind,
  UserKind,
  TeamKind,
  RoleKind,
  RoleBindingKind,
  ApiKeyKind,
  IdentityProviderKind,
  MacroKind,
  CloudAccountKind,
  GatewayKind,
  PackKind,
  PackSourceKind,
  ClusterProfileKind,
  ClusterKind,
  ClusterGroupKind,
  RolloutKind,
  EventKind,
  AuditEntryKind,
];

const byAlias = new Map<string, KindDefinition>();
for (const k of KINDS) {
  for (const alias of [k.kind.toLowerCase(), k.plural, ...(k.aliases ?? [])]) byAlias.set(alias, k);
}

/** Finds a kind by its name, plural or alias, case-insensitively. */
export function findKind(nameOrAlias: string): KindDefinition | undefined {
  return byAlias.get(nameOrAlias.toLowerCase());
}

export function requireKind(nameOrAlias: string): KindDefinition {
  const k = findKind(nameOrAlias);
  if (!k) {
    throw new StrataError(
      'STRATA_UNKNOWN_KIND',
      `unknown kind "${nameOrAlias}"; known kinds: ${KINDS.map((x) => x.kind).join(', ')}`,
      [{ path: '/kind', message: `unknown kind "${nameOrAlias}"` }],
    );
  }
  return k;
}
