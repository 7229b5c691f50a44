import type { TSchema } from 'typebox';

/**
 * Where objects of a kind live.
 * - system: above tenants (only Tenant itself).
 * - tenant: in a tenant, outside projects.
 * - project: in one project.
 * - tenant-or-project: either; tenant-scoped objects are visible read-only to every project of the tenant.
 */
export type KindScope = 'system' | 'tenant' | 'project' | 'tenant-or-project';

/** Verbs every kind understands; kinds add their own actions (e.g. `clusterprofile.publish`). */
export const STANDARD_VERBS = ['get', 'list', 'watch', 'create', 'update', 'delete'] as const;
export type StandardVerb = (typeof STANDARD_VERBS)[number];

export interface KindDefinition {
  readonly kind: string;
  /** URL segment and CLI alias, lowercase plural. */
  readonly plural: string;
  /** CLI aliases besides kind and plural (lowercase). */
  readonly aliases?: readonly string[];
  readonly scope: KindScope;
  readonly description: string;
  readonly spec: TSchema;
  /**
   * The status the platform writes (controllers, the agent gateway). Output only: users never write it — a user's
   * create, update or patch keeps the stored status, and `PUT .../status` answers 403 to anyone but the platform.
   */
  readonly status?: TSchema;
  /**
   * JSON pointers (relative to spec) of write-only secret fields. They are encrypted at rest (or hashed, see
   * `hashedFields`) and never returned: reads show `{"set": true}` in their place.
   */
  readonly secretFields?: readonly string[];
  /** Secret fields that are stored as a one-way hash (passwords) rather than encrypted. */
  readonly hashedFields?: readonly string[];
  /** Objects of this kind are written only by the platform (Event, AuditEntry). */
  readonly readOnly?: boolean;
  /** Extra verbs (actions) beyond the standard ones, used in permissions as `kind.verb`. */
  readonly actions?: readonly string[];
  /**
   * Tenant-scoped objects of this kind are readable by every project of the tenant (shared catalog: profiles,
   * macros, cloud accounts). Other tenant-scoped objects (role bindings, audit entries, events) need tenant-level
   * permissions.
   */
  readonly sharedWithProjects?: boolean;
  /** Identity includes spec.version (ClusterProfile, Pack): each version is its own object. */
  readonly versioned?: boolean;
}

export function defineKind<const K extends KindDefinition>(def: K): K {
  return def;
}

/** The permission name for a verb on a kind: `cluster.get`. */
export function permission(kind: string, verb: string): string {
  return `${kind.toLowerCase()}.${verb}`;
}
