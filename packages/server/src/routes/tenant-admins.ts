import { IdentityProviderKind, StrataError, grants } from '@strata/api';
import { listAll, type ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { systemPrincipal, type Principal } from '../auth/principal.js';
import type { ResourceService } from '../resources/resource-service.js';
import { setPasswordWithToken, type OnboardingOptions } from '../auth/tenant-onboarding.js';

export interface TenantAdminRoutesOptions {
  store: ResourceRepository;
  /** Writes an IdentityProvider into another tenant (onboarding), with every rule of a normal write. */
  service: ResourceService;
  principal: (req: FastifyRequest) => Principal;
  onboarding: OnboardingOptions;
}

/** Who administers each tenant (for system admins), and the one-time password link of a tenant's first admin. */
export function registerTenantAdminRoutes(app: FastifyInstance, o: TenantAdminRoutesOptions): void {
  app.get<{ Params: { name: string } }>(
    '/v1/tenants/:name/admins',
    {
      schema: {
        tags: ['Tenancy'],
        summary:
          "A tenant's administrators: users bound to tenant-admin at tenant scope, directly or through a team",
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
        },
      },
    },
    async (req) => {
      if (!grants(o.principal(req).tenantPermissions, 'tenant', 'get'))
        throw new StrataError('STRATA_FORBIDDEN', 'listing tenant admins needs permission tenant.get');
      const tenant = req.params.name;
      const t = await o.store.get(
        { tenant: '', projects: '*' },
        { kind: 'Tenant', tenant: '', project: '', name: tenant },
      );
      if (!t || t.metadata.deletedAt)
        throw new StrataError('STRATA_NOT_FOUND', `tenant "${tenant}" not found`);
      return { tenant, items: await tenantAdmins(o.store, tenant) };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/tenants/:name/auditentries',
    {
      schema: {
        tags: ['Tenancy'],
        summary:
          'What happened to a Tenant object itself (created, policy changed, deleted): its audit entries',
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
        },
      },
    },
    async (req) => {
      if (!grants(o.principal(req).tenantPermissions, 'tenant', 'get'))
        throw new StrataError(
          'STRATA_FORBIDDEN',
          "reading a tenant's own audit entries needs permission tenant.get",
        );
      // Tenants are system-scoped objects: their entries are kept with the platform's (tenant ''), not in the tenant.
      const all = await listAll(o.store, { tenant: '', projects: '*' }, { kind: 'AuditEntry' });
      const items = all.filter((e) => {
        const object = (e.spec as { object?: { kind?: string; name?: string } }).object;
        return object?.kind === 'Tenant' && object.name === req.params.name;
      });
      return { tenant: req.params.name, items };
    },
  );

  app.post<{ Params: { name: string } }>(
    '/v1/tenants/:name/identityproviders',
    {
      schema: {
        tags: ['Tenancy'],
        summary:
          "Connects a tenant's first identity provider (onboarding an SSO-only tenant): an IdentityProvider created in that tenant",
        params: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 1, maxLength: 63 } },
        },
      },
    },
    async (req, reply) => {
      const caller = o.principal(req);
      if (!grants(caller.tenantPermissions, 'tenant', 'update'))
        throw new StrataError(
          'STRATA_FORBIDDEN',
          "connecting a tenant's identity provider needs permission tenant.update",
        );
      const tenant = req.params.name;
      const t = await o.store.get(
        { tenant: '', projects: '*' },
        { kind: 'Tenant', tenant: '', project: '', name: tenant },
      );
      if (!t || t.metadata.deletedAt)
        throw new StrataError('STRATA_NOT_FOUND', `tenant "${tenant}" not found`);
      // Written as the platform inside that tenant, signed with the system admin's name in the audit log.
      const principal = { ...systemPrincipal(tenant, 'onboarding'), name: `${caller.tenant}/${caller.name}` };
      const created = await o.service.create(
        { principal, requestId: req.id },
        { kind: IdentityProviderKind },
        req.body,
      );
      return reply.code(201).send(created);
    },
  );

  const links = o.onboarding.links;
  if (!links) return;
  app.post<{ Body: { token: string; password: string } }>(
    '/v1/password-set',
    {
      schema: {
        tags: ['Auth'],
        summary: "Sets a user's password with a one-time token (a new tenant's first administrator)",
        body: {
          type: 'object',
          required: ['token', 'password'],
          additionalProperties: false,
          properties: {
            token: { type: 'string', minLength: 10, maxLength: 200 },
            password: { type: 'string', minLength: 8, maxLength: 1024 },
          },
        },
      },
      config: { public: true },
    },
    async (req) => setPasswordWithToken({ ...o.onboarding, links }, req.body),
  );
}

/** Users with tenant-admin at tenant scope, each with how (`user` or `team:NAME`). */
async function tenantAdmins(
  store: ResourceRepository,
  tenant: string,
): Promise<{ user: string; via: string }[]> {
  const scope = { tenant, projects: '*' as const };
  const [bindings, teams, users] = await Promise.all([
    listAll(store, scope, { kind: 'RoleBinding', project: '' }),
    listAll(store, scope, { kind: 'Team' }),
    listAll(store, scope, { kind: 'User' }),
  ]);
  const nameOf = new Map(users.map((u) => [u.metadata.uid, u.metadata.name]));
  const teamByUid = new Map(teams.map((t) => [t.metadata.uid, t]));
  const out = new Map<string, string>();
  for (const b of bindings) {
    if (b.spec.role !== 'tenant-admin') continue;
    for (const s of (b.spec.subjects as { kind: string; uid?: string }[] | undefined) ?? []) {
      if (!s.uid) continue;
      if (s.kind === 'User' && nameOf.has(s.uid)) out.set(nameOf.get(s.uid)!, 'user');
      const team = s.kind === 'Team' ? teamByUid.get(s.uid) : undefined;
      for (const m of (team?.spec.memberUids as string[] | undefined) ?? [])
        if (nameOf.has(m) && !out.has(nameOf.get(m)!)) out.set(nameOf.get(m)!, `team:${team!.metadata.name}`);
    }
  }
  return [...out].map(([user, via]) => ({ user, via })).sort((a, b) => a.user.localeCompare(b.user));
}
