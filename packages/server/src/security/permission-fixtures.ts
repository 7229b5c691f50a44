import { BUILTIN_ROLES } from '../auth/builtin-roles.js';
import { resolveSubjects } from '../auth/identity-refs.js';
import { keyOwner } from '../auth/key-owner.js';
import { formatToken, hashSecret, newSecret } from '../auth/tokens.js';
import { createUserWithRole, expectOk, type CallOptions, type TestServer } from '../test/harness.js';
import type { CallerAccess } from './route-permissions.js';
import { SANDBOX_INFRA_LAYERS } from '../test/cluster-world.js';

/**
 * The world the permission matrix runs in: tenant `default` (A) with projects p1 and p2, tenant `tenant-b` (B) with
 * bp1 and bp2, an object named `fix` of every kind in every scope of A, objects that exist only in B (`b-only`), and
 * a caller for every built-in role bound at tenant scope and in project p1, plus a user without roles.
 */
export interface MatrixWorld {
  callers: MatrixCaller[];
  /** Makes sure a deletable object of a route's kind exists in the scope, and returns its name. */
  victim(collection: string, version?: boolean): Promise<string>;
}

export interface MatrixCaller {
  name: string;
  key: string | null;
  access: CallerAccess;
}

export const OWN_PROJECT = 'p1';
export const SIBLING_PROJECT = 'p2';
export const FOREIGN_PROJECT = 'bp1';
export const TENANT_B = 'tenant-b';
export const PASSWORD = 'correct horse battery';

/** A valid create body for the collection at `url` (`/v1/macros`, `/v1/projects/p1/clusters`, ...). */
export function createBody(collection: string, name: string): Record<string, unknown> {
  const plural = collection.split('/').pop()!;
  const spec = SPECS[plural];
  if (!spec) throw new Error(`no fixture body for ${collection}`);
  return { metadata: { name }, spec: spec() };
}

const SPECS: Record<string, () => Record<string, unknown>> = {
  tenants: () => ({ displayName: 'fixture' }),
  projects: () => ({ displayName: 'fixture' }),
  users: () => ({ displayName: 'fixture' }),
  teams: () => ({ members: [] }),
  roles: () => ({ permissions: ['macro.get'] }),
  rolebindings: () => ({ role: 'project-viewer', subjects: [{ kind: 'User', name: 'victim' }] }),
  apikeys: () => ({ user: 'victim' }),
  // Disabled: written without asking the issuer (no network in the matrix).
  identityproviders: () => ({ issuer: 'https://idp.example.com', clientId: 'strata', disabled: true }),
  macros: () => ({ value: 'v' }),
  cloudaccounts: () => ({ provider: 'aws', credentials: { key: 'not-a-real-key' } }),
  packsources: () => ({ type: 'helm', url: 'http://127.0.0.1:9/charts' }),
  packs: () => ({ ...packSpec }),
  clusterprofiles: () => ({
    type: 'full',
    version: '1.0.0',
    layers: SANDBOX_INFRA_LAYERS,
  }),
  clustergroups: () => ({ selector: 'tier=fixture' }),
  gateways: () => ({ type: 'embedded' }),
  // Aborted: it holds no cluster, so any number of them can exist side by side.
  rollouts: () => ({
    target: { selector: '!strata-fixture-none' },
    change: { policy: { drift: 'report' } },
    aborted: true,
  }),
  clusters: () => ({
    provider: 'sandbox',
    nodePools: [
      { name: 'cp', controlPlane: true, count: 1 },
      { name: 'workers', count: 1 },
    ],
    profiles: [{ name: 'fix', version: '1.0.0' }],
  }),
};

/** The spec of a built-in pack, read at setup (a pack spec is too long to write out here). */
let packSpec: Record<string, unknown> = {};

/** Creates an object in every collection of the list, as `key` (of `tenant`). */
async function createFixtures(
  s: TestServer,
  key: string,
  tenant: string,
  collections: string[],
  name: string,
) {
  for (const c of collections) {
    if (c.endsWith('/clusters')) {
      await storeCluster(s, tenant, c.split('/')[3]!, name);
      continue;
    }
    await expectOk(s.call({ method: 'POST', url: c, key, body: createBody(c, name) }));
    // Clusters attach published profiles only.
    if (c.endsWith('/clusterprofiles'))
      await expectOk(s.call({ method: 'POST', url: `${c}/${name}/versions/1.0.0/publish`, key }));
  }
}

const TENANT_COLLECTIONS = [
  '/v1/users',
  '/v1/teams',
  '/v1/roles',
  '/v1/rolebindings',
  '/v1/apikeys',
  '/v1/identityproviders',
  '/v1/macros',
  '/v1/cloudaccounts',
  '/v1/packsources',
  '/v1/packs',
  '/v1/clusterprofiles',
  '/v1/clustergroups',
  '/v1/gateways',
];
const PROJECT_COLLECTIONS = [
  'rolebindings',
  'macros',
  'cloudaccounts',
  'clusterprofiles',
  'clusters',
  'clustergroups',
  'gateways',
  'rollouts',
];

export async function buildMatrixWorld(s: TestServer): Promise<MatrixWorld> {
  const admin = s.adminKey;
  const call = (o: CallOptions) => expectOk(s.call(o));
  const builtin = await call({ method: 'GET', url: '/v1/packs/sandbox-cni' });
  packSpec = { ...(builtin.body.spec as Record<string, unknown>), version: '1.0.0' };
  await call({
    method: 'POST',
    url: '/v1/users',
    body: { metadata: { name: 'victim' }, spec: { password: PASSWORD } },
  });
  for (const p of [OWN_PROJECT, SIBLING_PROJECT])
    await call({ method: 'POST', url: '/v1/projects', body: createBody('/v1/projects', p) });
  await createFixtures(s, admin, 'default', TENANT_COLLECTIONS, 'fix');
  for (const p of [OWN_PROJECT, SIBLING_PROJECT]) {
    await createFixtures(
      s,
      admin,
      'default',
      PROJECT_COLLECTIONS.map((c) => `/v1/projects/${p}/${c}`),
      'fix',
    );
  }
  // A tenant rollout selects clusters of the projects: created once they exist.
  await createFixtures(s, admin, 'default', ['/v1/rollouts'], 'fix');
  await recordFixtures(s, 'default', [OWN_PROJECT, SIBLING_PROJECT]);

  // Tenant B: created through the API; its first administrator is seeded in the store, as an operator would.
  await call({ method: 'POST', url: '/v1/tenants', body: createBody('/v1/tenants', TENANT_B) });
  const bKey = await seedTenantAdmin(s, TENANT_B);
  await call({ method: 'POST', url: '/v1/users', key: bKey, body: createBody('/v1/users', 'victim') });
  for (const p of [FOREIGN_PROJECT, 'bp2']) {
    await call({ method: 'POST', url: '/v1/projects', key: bKey, body: createBody('/v1/projects', p) });
  }
  await createFixtures(s, bKey, TENANT_B, TENANT_COLLECTIONS, 'b-only');
  await createFixtures(
    s,
    bKey,
    TENANT_B,
    PROJECT_COLLECTIONS.map((c) => `/v1/projects/${FOREIGN_PROJECT}/${c}`),
    'fix',
  );
  await createFixtures(s, bKey, TENANT_B, ['/v1/rollouts'], 'b-only');

  const callers: MatrixCaller[] = [];
  for (const role of BUILTIN_ROLES) {
    callers.push({
      name: `${role.name}@tenant`,
      key: await createUserWithRole(s, { user: `${role.name}-t`, role: role.name }),
      access: { authenticated: true, tenantPermissions: role.permissions, projectPermissions: new Map() },
    });
    callers.push({
      name: `${role.name}@${OWN_PROJECT}`,
      key: await createUserWithRole(s, { user: `${role.name}-p`, role: role.name, project: OWN_PROJECT }),
      access: {
        authenticated: true,
        tenantPermissions: [],
        projectPermissions: new Map([[OWN_PROJECT, role.permissions]]),
      },
    });
  }
  await call({ method: 'POST', url: '/v1/users', body: createBody('/v1/users', 'no-role') });
  const noRole = await call({
    method: 'POST',
    url: '/v1/apikeys',
    body: { metadata: { name: 'no-role-key' }, spec: { user: 'no-role' } },
  });
  callers.push({
    name: 'user without roles',
    key: noRole.body.key as string,
    access: { authenticated: true, tenantPermissions: [], projectPermissions: new Map() },
  });
  callers.push({
    name: 'anonymous',
    key: null,
    access: { authenticated: false, tenantPermissions: [], projectPermissions: new Map() },
  });

  let n = 0;
  return {
    callers,
    victim: async (collection) => {
      const name = `victim-${++n}`;
      const plural = collection.split('/').pop()!;
      if (plural === 'clusters') await storeCluster(s, 'default', collection.split('/')[3]!, name);
      else await call({ method: 'POST', url: collection, body: createBody(collection, name) });
      return name;
    },
  };
}

/**
 * Clusters are written to the store: creating one through the API needs the sandbox's Kubernetes binaries (built in
 * the background), and no controller runs here anyway. The API's answers about them are what the matrix checks.
 */
async function storeCluster(s: TestServer, tenant: string, project: string, name: string) {
  await s.store.create(
    { tenant, projects: '*' },
    {
      key: { kind: 'Cluster', tenant, project, name },
      spec: createBody('/clusters', name).spec as Record<string, unknown>,
    },
    { name: 'system:test' },
  );
}

/** Events and audit entries named `fix`, written the way the platform writes them (they are read-only in the API). */
async function recordFixtures(s: TestServer, tenant: string, projects: string[]) {
  const scope = { tenant, projects: '*' as const };
  const actor = { name: 'system:test' };
  for (const project of ['', ...projects]) {
    for (const kind of ['Event', 'AuditEntry']) {
      await s.store.create(
        scope,
        { key: { kind, tenant, project, name: 'fix' }, spec: { note: 'fixture' } },
        actor,
      );
    }
  }
}

/** The first administrator of a new tenant (there is no API for it: the system admin cannot act inside a tenant). */
async function seedTenantAdmin(s: TestServer, tenant: string): Promise<string> {
  const scope = { tenant, projects: '*' as const };
  const actor = { name: 'system:test' };
  const key = (kind: string, name: string) => ({ kind, tenant, project: '', name });
  await s.store.create(scope, { key: key('User', 'b-admin'), spec: {} }, actor);
  const subjects = await resolveSubjects(s.store, tenant, [{ kind: 'User', name: 'b-admin' }]);
  await s.store.create(
    scope,
    { key: key('RoleBinding', 'b-admin'), spec: { role: 'tenant-admin', subjects } },
    actor,
  );
  const secret = newSecret();
  await s.store.create(
    scope,
    {
      key: key('ApiKey', 'b-admin'),
      spec: { user: 'b-admin' },
      status: { keyHash: hashSecret(secret), ...(await keyOwner(s.store, tenant, 'b-admin')) },
    },
    actor,
  );
  return formatToken(tenant, 'b-admin', secret);
}
