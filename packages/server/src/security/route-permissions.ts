import { grants } from '@strata/api';

/**
 * Who may call each route: the one table the permission-matrix test checks the server against
 * (docs/reference/api.md "Authorization"). Every route the app registers must have an entry here; a new route
 * without one fails the test.
 *
 * Scope rules:
 * - `public`: no credential (probes, sign-in).
 * - `import-token`: the one-time token in the path is the credential; a made-up token finds nothing (404).
 * - `agent`: an agent token only; a user's API key is refused (401).
 * - `authenticated`: any valid API key (who am I, the API description).
 * - `own-filtered`: any valid API key; the list shows only what the caller may see (own API keys, visible projects).
 * - `system`: tenant management (`tenant.*`, which `*.*` never grants).
 * - `tenant`: a tenant-level permission (from a tenant-scope binding).
 * - `tenant-shared`: like `tenant`, but reads are also allowed to anyone who may read the kind in some project.
 * - `project`: the `:project` of the URL; a caller who cannot see the project gets 404, one who can see it but
 *   lacks a permission there gets 403.
 * - `project-object`: `/v1/projects/:name` — the project named is the one that must be visible (404 otherwise);
 *   reading a visible project needs no permission, changing it needs the tenant-level one.
 * - `platform`: status, written only by the platform: users get 403 (404 when the project is invisible).
 */
export type ScopeRule =
  | 'public'
  | 'import-token'
  | 'agent'
  | 'authenticated'
  | 'own-filtered'
  | 'system'
  | 'tenant'
  | 'tenant-shared'
  | 'project'
  | 'project-object'
  | 'platform';

export interface RoutePermission {
  scope: ScopeRule;
  /** Every `kind.verb` the route needs (all of them, at the scope of the rule). */
  needs: readonly string[];
}

type Table = Record<string, RoutePermission>;

const rule = (scope: ScopeRule, ...needs: string[]): RoutePermission => ({ scope, needs });

/** The routes of a kind's objects under `base` (`/v1/macros` or `/v1/projects/:project/macros`). */
function objectRoutes(
  base: string,
  kind: string,
  scope: ScopeRule,
  options: { versioned?: boolean } = {},
): Table {
  const object = scope === 'project-object' ? 'tenant' : scope;
  const one = `${base}/:name`;
  const table: Table = {
    [`GET ${base}`]: rule(scope === 'project-object' ? 'own-filtered' : scope, `${kind}.list`),
    [`POST ${base}`]: rule(object, `${kind}.create`),
    [`GET ${one}`]: rule(scope, `${kind}.get`),
    [`PUT ${one}`]: rule(scope, `${kind}.update`),
    [`PATCH ${one}`]: rule(scope, `${kind}.update`),
    [`DELETE ${one}`]: rule(scope, `${kind}.delete`),
    [`PUT ${one}/status`]: rule('platform'),
  };
  if (options.versioned) {
    const version = `${one}/versions/:version`;
    Object.assign(table, {
      [`GET ${one}/versions`]: rule(scope, `${kind}.list`),
      [`GET ${version}`]: rule(scope, `${kind}.get`),
      [`PUT ${version}`]: rule(scope, `${kind}.update`),
      [`PATCH ${version}`]: rule(scope, `${kind}.update`),
      [`DELETE ${version}`]: rule(scope, `${kind}.delete`),
      [`PUT ${version}/status`]: rule('platform'),
    });
  }
  return table;
}

/** Read-only kinds (records of what happened). */
function recordRoutes(base: string, kind: string, scope: ScopeRule): Table {
  return { [`GET ${base}`]: rule(scope, `${kind}.list`), [`GET ${base}/:name`]: rule(scope, `${kind}.get`) };
}

/** Only GET serves an import link: other methods on a file answer 405 to anyone, deeper paths 404. */
function importRoutes(): Table {
  const table: Table = {};
  for (const m of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']) {
    if (m !== 'GET') table[`${m} /v1/import/:file`] = rule('public');
    table[`${m} /v1/import/*`] = rule('import-token');
  }
  return table;
}

const P = '/v1/projects/:project';
const CLUSTER = `${P}/clusters/:name`;

/** Profile actions at tenant scope (`/v1/clusterprofiles`) and in a project. */
function profileActions(base: string, scope: ScopeRule): Table {
  const v = `${base}/:name/versions/:version`;
  return {
    [`POST ${v}/publish`]: rule(scope, 'clusterprofile.get', 'clusterprofile.publish'),
    [`POST ${v}/clone`]: rule(scope, 'clusterprofile.get', 'clusterprofile.create'),
    [`POST ${v}/resolve`]: rule(scope, 'clusterprofile.get'),
    [`POST ${base}/:name/diff`]: rule(scope, 'clusterprofile.get'),
    [`GET ${base}/:name/diff`]: rule(scope, 'clusterprofile.get'),
  };
}

export const ROUTE_PERMISSIONS: Readonly<Table> = {
  'GET /healthz': rule('public'),
  'GET /readyz': rule('public'),
  'POST /v1/login': rule('public'),
  'GET /metrics': rule('tenant', 'metrics.get'),
  'GET /v1/sso/providers': rule('public'),
  'GET /v1/sso/authorize': rule('public'),
  'GET /v1/sso/callback': rule('public'),
  'POST /v1/sso/token': rule('public'),
  'POST /v1/sso/device': rule('public'),
  'POST /v1/sso/device/token': rule('public'),
  'POST /v1/password-set': rule('public'),
  'GET /v1/tenants/:name/admins': rule('system', 'tenant.get'),
  'GET /v1/tenants/:name/auditentries': rule('system', 'tenant.get'),
  'POST /v1/tenants/:name/identityproviders': rule('system', 'tenant.update'),
  'GET /v1/whoami': rule('authenticated'),
  'GET /v1/openapi.json': rule('authenticated'),

  ...objectRoutes('/v1/tenants', 'tenant', 'system'),
  ...objectRoutes('/v1/projects', 'project', 'project-object'),
  ...objectRoutes('/v1/users', 'user', 'tenant'),
  ...objectRoutes('/v1/teams', 'team', 'tenant'),
  ...objectRoutes('/v1/roles', 'role', 'tenant'),
  ...objectRoutes('/v1/rolebindings', 'rolebinding', 'tenant'),
  ...objectRoutes(`${P}/rolebindings`, 'rolebinding', 'project'),
  ...objectRoutes('/v1/apikeys', 'apikey', 'tenant'),
  ...objectRoutes('/v1/identityproviders', 'identityprovider', 'tenant'),
  'GET /v1/apikeys': rule('own-filtered'),
  ...objectRoutes('/v1/macros', 'macro', 'tenant-shared'),
  ...objectRoutes(`${P}/macros`, 'macro', 'project'),
  ...objectRoutes('/v1/cloudaccounts', 'cloudaccount', 'tenant-shared'),
  ...objectRoutes(`${P}/cloudaccounts`, 'cloudaccount', 'project'),
  ...objectRoutes('/v1/gateways', 'gateway', 'tenant-shared'),
  ...objectRoutes(`${P}/gateways`, 'gateway', 'project'),
  ...objectRoutes('/v1/packs', 'pack', 'tenant', { versioned: true }),
  ...objectRoutes('/v1/packsources', 'packsource', 'tenant'),
  ...objectRoutes('/v1/clusterprofiles', 'clusterprofile', 'tenant-shared', { versioned: true }),
  ...objectRoutes(`${P}/clusterprofiles`, 'clusterprofile', 'project', { versioned: true }),
  ...objectRoutes(`${P}/clusters`, 'cluster', 'project'),
  ...objectRoutes('/v1/clustergroups', 'clustergroup', 'tenant'),
  ...objectRoutes(`${P}/clustergroups`, 'clustergroup', 'project'),
  'GET /v1/clustergroups/:name/members': rule('tenant', 'clustergroup.get'),
  [`GET ${P}/clustergroups/:name/members`]: rule('project', 'clustergroup.get'),
  ...objectRoutes('/v1/rollouts', 'rollout', 'tenant'),
  ...objectRoutes(`${P}/rollouts`, 'rollout', 'project'),
  // Any key; the answer counts only the clusters the caller may list.
  'GET /v1/fleet/updates': rule('own-filtered'),
  // Any key; the list and its counts hold only the clusters the caller may list.
  'GET /v1/fleet/clusters': rule('own-filtered'),
  // A plan runs every check of a create (dry run), so it needs both.
  'POST /v1/rollouts/plan': rule('tenant', 'rollout.plan', 'rollout.create'),
  [`POST ${P}/rollouts/plan`]: rule('project', 'rollout.plan', 'rollout.create'),
  ...recordRoutes('/v1/events', 'event', 'tenant'),
  ...recordRoutes(`${P}/events`, 'event', 'project'),
  ...recordRoutes('/v1/auditentries', 'auditentry', 'tenant'),
  ...recordRoutes(`${P}/auditentries`, 'auditentry', 'project'),

  ...profileActions('/v1/clusterprofiles', 'tenant-shared'),
  ...profileActions(`${P}/clusterprofiles`, 'project'),
  'POST /v1/packs/push': rule('tenant', 'pack.get', 'pack.create'),
  'POST /v1/packs/import': rule('tenant', 'pack.get', 'pack.create'),
  'POST /v1/clusterprofiles/import': rule('tenant-shared', 'clusterprofile.create'),
  [`POST ${P}/clusterprofiles/import`]: rule('project', 'clusterprofile.create'),

  [`POST ${CLUSTER}/plan`]: rule('project', 'cluster.get', 'cluster.plan'),
  [`POST ${CLUSTER}/upgrade`]: rule('project', 'cluster.get', 'cluster.upgrade', 'cluster.update'),
  [`POST ${CLUSTER}/scale`]: rule('project', 'cluster.get', 'cluster.scale', 'cluster.update'),
  [`POST ${CLUSTER}/approve-repave`]: rule(
    'project',
    'cluster.get',
    'cluster.approve-repave',
    'cluster.update',
  ),
  [`POST ${CLUSTER}/kubeconfig`]: rule('project', 'cluster.get', 'cluster.kubeconfig'),
  [`GET ${CLUSTER}/kubeconfig`]: rule('project', 'cluster.get', 'cluster.kubeconfig'),
  [`POST ${CLUSTER}/agent-manifest`]: rule('project', 'cluster.get', 'cluster.agent-manifest'),
  // Refused with 405 (rendering issues a token: POST), after the same checks.
  [`GET ${CLUSTER}/agent-manifest`]: rule('project', 'cluster.get', 'cluster.agent-manifest'),
  [`POST ${CLUSTER}/rotate-agent-token`]: rule('project', 'cluster.get', 'cluster.rotate-agent-token'),
  [`POST ${CLUSTER}/generate-profile`]: rule(
    'project',
    'cluster.get',
    'cluster.generate-profile',
    'clusterprofile.create',
  ),
  [`GET ${CLUSTER}/events`]: rule('project', 'cluster.get'),
  [`POST ${CLUSTER}/import-link`]: rule('project', 'cluster.get', 'cluster.agent-manifest'),
  'GET /v1/import/:file': rule('import-token'),
  ...importRoutes(),
  'GET /v1/agent/desired-state': rule('agent'),
  'POST /v1/agent/answer': rule('agent'),
  'POST /v1/agent/status': rule('agent'),
  'GET /v1/agent/charts/:digest': rule('agent'),
};

/** What a caller holds: its tenant-level permissions and its permissions per project (like the server's Principal). */
export interface CallerAccess {
  authenticated: boolean;
  tenantPermissions: readonly string[];
  projectPermissions: ReadonlyMap<string, readonly string[]>;
}

/** Where a request points: the project of the URL (or the project named), and whether it exists in the caller's tenant. */
export interface TargetScope {
  project?: string;
  /** The object or project exists only in another tenant. */
  foreign: boolean;
}

export type Expected = 'allowed' | 'forbidden' | 'not-found' | 'unauthenticated';

/** The expected answer to a request, derived from the table, the caller's permissions and the target. */
export function expectedAccess(entry: RoutePermission, caller: CallerAccess, target: TargetScope): Expected {
  if (entry.scope === 'public') return 'allowed';
  if (entry.scope === 'import-token') return 'not-found';
  if (!caller.authenticated || entry.scope === 'agent') return 'unauthenticated';
  if (entry.scope === 'authenticated' || entry.scope === 'own-filtered') return 'allowed';
  const tenantWide = caller.tenantPermissions.length > 0;
  const visible = (p: string | undefined) =>
    tenantWide || (p !== undefined && caller.projectPermissions.has(p));
  // Actions read their object first (needs[0]) and then check the action's permission: in another tenant the read
  // finds nothing, so a caller who may read gets 404 whatever else it lacks.
  const decide = (has: (need: string) => boolean): Expected => {
    const ok = entry.needs.every(has);
    if (target.foreign)
      return ok || (entry.needs.length > 0 && has(entry.needs[0]!)) ? 'not-found' : 'forbidden';
    return ok ? 'allowed' : 'forbidden';
  };
  const atTenant = (n: string) => grantsOne(caller.tenantPermissions, n);
  switch (entry.scope) {
    case 'platform':
      return target.project !== undefined && !visible(target.project) ? 'not-found' : 'forbidden';
    case 'system':
    case 'tenant':
      return decide(atTenant);
    case 'tenant-shared':
      // Shared kinds are readable by anyone who may read them in some project of the tenant; writes need the tenant.
      return decide(
        (n) =>
          atTenant(n) ||
          (/\.(get|list|watch)$/.test(n) &&
            [...caller.projectPermissions.values()].some((perms) => grantsOne(perms, n))),
      );
    case 'project': {
      if (!visible(target.project)) return 'not-found';
      const here = caller.projectPermissions.get(target.project!) ?? [];
      return decide((n) => atTenant(n) || grantsOne(here, n));
    }
    case 'project-object':
      if (!visible(target.project)) return 'not-found';
      // Reading a project one can see needs no permission; changing it needs the tenant-level one.
      return decide((n) => n === 'project.get' || atTenant(n));
  }
}

function grantsOne(perms: readonly string[], needed: string): boolean {
  const dot = needed.indexOf('.');
  return grants(perms, needed.slice(0, dot), needed.slice(dot + 1));
}

/** Route keys (`METHOD /url`) the app registers but the table does not know, and entries for routes that are gone. */
export function tableDrift(routes: readonly { method: string; url: string }[]): {
  missing: string[];
  stale: string[];
} {
  const keys = new Set(routes.map((r) => `${r.method} ${r.url}`));
  return {
    missing: [...keys].filter((k) => !(k in ROUTE_PERMISSIONS)),
    stale: Object.keys(ROUTE_PERMISSIONS).filter((k) => !keys.has(k)),
  };
}
