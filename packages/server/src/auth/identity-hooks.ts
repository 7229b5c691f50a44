import { StrataError, type Resource } from '@strata/api';
import type { DeleteCascade } from '@strata/store';
import type { HookContext, KindHooks } from '../resources/kind-hooks.js';
import { BUILTIN_LABEL } from '../catalog/builtin-packs.js';
import { allPermissions, requireCovers } from './escalation.js';
import {
  resolveMembers,
  resolveSubjects,
  teamCascade,
  userCascade,
  type SubjectRef,
} from './identity-refs.js';
import type { PrincipalLoader } from './principal-loader.js';
import { FIPS_PASSWORD_REFUSAL } from '../fips.js';

export interface IdentityHooksOptions {
  principals: PrincipalLoader;
  /** Runs after a tenant is created (its built-in roles and packs). */
  afterTenantCreate?: KindHooks['afterCreate'];
  /** FIPS mode: users may not be given passwords (argon2id is not FIPS-approved). */
  fips?: boolean;
}

/** Kinds that make up a tenant's identities and access: deleted with the tenant. */
const TENANT_IDENTITY_KINDS = new Set(['User', 'Team', 'Role', 'RoleBinding', 'ApiKey']);
const RECORD_KINDS = new Set(['AuditEntry', 'Event']);

/**
 * Users, teams, role bindings and tenants refer to one another by UID (names are for display): the server fills in
 * the UIDs when a binding or team is written, and deleting a user, team or tenant removes what refers to it in the
 * same transaction.
 */
export function identityHooks(o: IdentityHooksOptions): Record<string, KindHooks> {
  /** Taking a user's access away (delete, disable) needs all of it, unless it is the caller's own. */
  const guardUserAccess = async (ctx: HookContext, user: Resource, verb: string): Promise<void> => {
    if (ctx.principal.uid === user.metadata.uid) return;
    const target = await o.principals.load(user.metadata.tenant, {
      name: user.metadata.name,
      uid: user.metadata.uid,
    });
    requireCovers(ctx.principal, undefined, allPermissions(target), `${verb} user "${user.metadata.name}"`);
  };
  return {
    User: {
      ...(o.fips
        ? {
            validate: async (_ctx: HookContext, input: { spec: Record<string, unknown> }) =>
              input.spec.password === undefined
                ? []
                : [{ path: '/spec/password', message: FIPS_PASSWORD_REFUSAL }],
          }
        : {}),
      // Deleting a user takes its access away: only someone who holds all of it may (like changing its password).
      guardDelete: (ctx, user) => guardUserAccess(ctx, user, 'delete'),
      deleteCascade: (ctx, user) => userCascade(ctx.store, user),
      // Disabling a user takes everything away in the same transaction: its API keys and sessions, its binding
      // entries and team memberships. Enabling it again gives nothing back.
      updateCascade: async (ctx, user, spec) => {
        if (spec.disabled !== true || user.spec.disabled === true) return undefined;
        await guardUserAccess(ctx, user, 'disable');
        return userCascade(ctx.store, user);
      },
    },
    Team: {
      sealSpec: async (ctx, spec) => ({
        ...spec,
        memberUids: await resolveMembers(ctx.store, ctx.principal.tenant, (spec.members as string[]) ?? []),
      }),
      deleteCascade: (ctx, team) => teamCascade(ctx.store, team),
    },
    RoleBinding: {
      sealSpec: async (ctx, spec) => ({
        ...spec,
        subjects: await resolveSubjects(
          ctx.store,
          ctx.principal.tenant,
          (spec.subjects as SubjectRef[]) ?? [],
        ),
      }),
    },
    Tenant: {
      ...(o.afterTenantCreate ? { afterCreate: o.afterTenantCreate } : {}),
      guardDelete: async (ctx, tenant) => {
        if (tenant.metadata.name === ctx.principal.tenant) {
          throw new StrataError(
            'STRATA_FORBIDDEN',
            `tenant "${tenant.metadata.name}" is the one you are signed in to; delete it from another tenant`,
          );
        }
      },
      deleteCascade: async (_ctx: HookContext, tenant: Resource): Promise<DeleteCascade> => ({
        purgeTenant: {
          tenant: tenant.metadata.name,
          refuse: (obj) => tenantContent(tenant.metadata.name, obj),
        },
      }),
    },
  };
}

/**
 * A tenant is deleted only when nothing but its identities and the platform's built-in objects is left: its
 * projects (with their clusters) and its own tenant-wide objects must be deleted first.
 */
function tenantContent(
  tenant: string,
  o: { kind: string; project: string; name: string; labels: Record<string, string> },
): string | undefined {
  if (o.kind === 'Project')
    return `tenant "${tenant}" still has project "${o.name}"; delete its projects first`;
  // Records of what happened stay behind in deleted projects: they go with the tenant.
  if (RECORD_KINDS.has(o.kind)) return undefined;
  if (o.project !== '') return `tenant "${tenant}" still has objects in project "${o.project}"`;
  if (TENANT_IDENTITY_KINDS.has(o.kind) || o.labels[BUILTIN_LABEL] === 'true') return undefined;
  return `tenant "${tenant}" still contains ${o.kind} "${o.name}"; delete it first`;
}
