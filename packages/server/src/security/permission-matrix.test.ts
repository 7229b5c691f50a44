import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testBackends } from '@strata/testing';
import { BUILTIN_ROLES } from '../auth/builtin-roles.js';
import { startTestServer, type CallOptions, type TestServer } from '../test/harness.js';
import {
  FOREIGN_PROJECT,
  OWN_PROJECT,
  PASSWORD,
  SIBLING_PROJECT,
  TENANT_B,
  buildMatrixWorld,
  createBody,
  type MatrixWorld,
} from './permission-fixtures.js';
import {
  ROUTE_PERMISSIONS,
  expectedAccess,
  tableDrift,
  type CallerAccess,
  type Expected,
  type RoutePermission,
  type TargetScope,
} from './route-permissions.js';

interface Target extends TargetScope {
  /** The `:name` of the URL. */
  name: string;
}

/** A built-in role bound at tenant scope (`where` = 'tenant') or in the project named. */
const roleAt = (role: string, where: string): CallerAccess => {
  const permissions = BUILTIN_ROLES.find((r) => r.name === role)!.permissions;
  return where === 'tenant'
    ? { authenticated: true, tenantPermissions: permissions, projectPermissions: new Map() }
    : { authenticated: true, tenantPermissions: [], projectPermissions: new Map([[where, permissions]]) };
};

describe('route permission table follows the documented rules', () => {
  const pins: [string, CallerAccess, string, TargetScope, Expected][] = [
    // Finding 15: the imported kubeconfig is an admin-level credential, not an editor's.
    [
      'editor reads a kubeconfig',
      roleAt('project-editor', 'p1'),
      'GET /v1/projects/:project/clusters/:name/kubeconfig',
      { project: 'p1', foreign: false },
      'forbidden',
    ],
    [
      'editor gets a kubeconfig (POST)',
      roleAt('project-editor', 'tenant'),
      'POST /v1/projects/:project/clusters/:name/kubeconfig',
      { project: 'p1', foreign: false },
      'forbidden',
    ],
    [
      'project admin reads a kubeconfig',
      roleAt('project-admin', 'p1'),
      'GET /v1/projects/:project/clusters/:name/kubeconfig',
      { project: 'p1', foreign: false },
      'allowed',
    ],
    // Finding 16: a project the caller cannot see is not found, not forbidden.
    [
      'viewer reads another project',
      roleAt('project-viewer', 'p1'),
      'GET /v1/projects/:name',
      { project: 'p2', foreign: false },
      'not-found',
    ],
    [
      'viewer reads its project',
      roleAt('project-viewer', 'p1'),
      'GET /v1/projects/:name',
      { project: 'p1', foreign: false },
      'allowed',
    ],
    [
      'tenant admin creates a tenant',
      roleAt('tenant-admin', 'tenant'),
      'POST /v1/tenants',
      { foreign: false },
      'forbidden',
    ],
    [
      'system admin creates a tenant',
      roleAt('system-admin', 'tenant'),
      'POST /v1/tenants',
      { foreign: false },
      'allowed',
    ],
    [
      'editor binds a role',
      roleAt('project-editor', 'p1'),
      'POST /v1/projects/:project/rolebindings',
      { project: 'p1', foreign: false },
      'forbidden',
    ],
    [
      'project admin binds a role in its project',
      roleAt('project-admin', 'p1'),
      'POST /v1/projects/:project/rolebindings',
      { project: 'p1', foreign: false },
      'allowed',
    ],
    [
      'project admin binds at tenant scope',
      roleAt('project-admin', 'p1'),
      'POST /v1/rolebindings',
      { foreign: false },
      'forbidden',
    ],
    [
      'viewer reads a shared macro',
      roleAt('project-viewer', 'p1'),
      'GET /v1/macros/:name',
      { foreign: false },
      'allowed',
    ],
    [
      'viewer writes a shared macro',
      roleAt('project-editor', 'p1'),
      'PUT /v1/macros/:name',
      { foreign: false },
      'forbidden',
    ],
    [
      'viewer reads tenant role bindings',
      roleAt('project-viewer', 'p1'),
      'GET /v1/rolebindings',
      { foreign: false },
      'forbidden',
    ],
    [
      'viewer reads tenant events',
      roleAt('project-viewer', 'p1'),
      'GET /v1/events',
      { foreign: false },
      'forbidden',
    ],
    [
      'tenant admin writes status',
      roleAt('tenant-admin', 'tenant'),
      'PUT /v1/projects/:project/clusters/:name/status',
      { project: 'p1', foreign: false },
      'forbidden',
    ],
    [
      'editor in another project',
      roleAt('project-editor', 'p1'),
      'POST /v1/projects/:project/macros',
      { project: 'p2', foreign: false },
      'not-found',
    ],
  ];
  for (const [name, caller, route, target, expected] of pins) {
    it(`${name}: ${expected}`, () => {
      const entry = ROUTE_PERMISSIONS[route];
      assert.ok(entry, `the table has ${route}`);
      assert.equal(expectedAccess(entry, caller, target), expected);
    });
  }
});

for (const backend of await testBackends()) {
  describe(`permission matrix (route × built-in role × scope) on ${backend.name}`, () => {
    let s: TestServer;
    let world: MatrixWorld;
    before(async () => {
      // Every call of the matrix also fails if it blocks the event loop over 200 ms.
      s = await startTestServer(backend, { stallGuardMs: 200 });
      world = await buildMatrixWorld(s);
    });
    after(async () => s?.close());

    it('every route the app registers has an entry in the table, and every entry a route', () => {
      const drift = tableDrift(s.routes);
      assert.deepEqual(drift.missing, [], 'add these routes to security/route-permissions.ts');
      assert.deepEqual(drift.stale, [], 'these table entries name no route');
    });

    it('every route answers every built-in role, bound at tenant or project scope, as the table says', async (t) => {
      const mismatches: string[] = [];
      const started = Date.now();
      let checks = 0;
      const victims = new Map<string, string>();
      for (const route of s.routes) {
        const key = `${route.method} ${route.url}`;
        const entry = ROUTE_PERMISSIONS[key];
        if (!entry) continue; // reported by the test above
        for (const [i, target] of targetsFor(route.url, entry).entries()) {
          for (const caller of world.callers) {
            if (caller.key === null && i > 0) continue;
            const expected = expectedAccess(entry, caller.access, target);
            const request = await requestFor(route, target, entry, victims, world);
            const res = await s.call({ ...request, key: caller.key });
            checks++;
            if (route.method === 'DELETE' && res.status < 300) victims.delete(victimKey(route.url, target));
            const got = classify(res.status, target.foreign ? res.body.items : undefined);
            if (got !== expected) {
              mismatches.push(
                `${caller.name}: ${request.method} ${request.url} → ${res.status} ${typeof res.body.code === 'string' ? res.body.code : ''}, expected ${expected}`,
              );
            }
          }
        }
      }
      t.diagnostic(
        `${checks} checks over ${s.routes.length} routes and ${world.callers.length} callers in ${Date.now() - started} ms`,
      );
      assert.equal(
        mismatches.length,
        0,
        `${mismatches.length} answers differ from the table:\n${mismatches.slice(0, 400).join('\n')}`,
      );
    });
  });
}

/** An empty list of another tenant's project shows nothing, which is as good as not found. */
function classify(status: number, foreignItems: unknown): string {
  if (status === 200 && Array.isArray(foreignItems) && foreignItems.length === 0) return 'not-found';
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status >= 500) return `error ${status}`;
  return 'allowed';
}

/** Own tenant and the other tenant; for project routes the caller's project, a sibling, and one of tenant B. */
function targetsFor(url: string, entry: RoutePermission): Target[] {
  if (url.includes(':project') || url.startsWith('/v1/projects/:name')) {
    return [
      { project: OWN_PROJECT, foreign: false, name: 'fix' },
      { project: SIBLING_PROJECT, foreign: false, name: 'fix' },
      { project: FOREIGN_PROJECT, foreign: true, name: 'fix' },
    ];
  }
  if (entry.scope === 'system') return [{ foreign: false, name: TENANT_B }];
  if (url.includes(':name') && (entry.scope === 'tenant' || entry.scope === 'tenant-shared')) {
    return [
      { foreign: false, name: 'fix' },
      { foreign: true, name: 'b-only' },
    ];
  }
  return [{ foreign: false, name: 'fix' }];
}

let created = 0;
const victimKey = (url: string, t: Target) => `${url} ${t.project ?? ''}`;

async function requestFor(
  route: { method: string; url: string },
  target: Target,
  entry: RoutePermission,
  victims: Map<string, string>,
  world: MatrixWorld,
): Promise<CallOptions> {
  const method = route.method as CallOptions['method'];
  const withProject = route.url.replace(':project', target.project ?? '');
  const collection = withProject.split('/:name')[0]!;
  // `/v1/projects/:name` names the project itself.
  let name = route.url.startsWith('/v1/projects/:name') ? target.project! : target.name;
  const isObjectDelete = method === 'DELETE' && /\/:name(\/versions\/:version)?$/.test(route.url);
  if (isObjectDelete && !target.foreign && entry.scope !== 'project-object') {
    const k = victimKey(route.url, target);
    if (!victims.has(k)) victims.set(k, await world.victim(collection));
    name = victims.get(k)!;
  }
  const url = withProject
    .replace(':name', name)
    .replace(':version', '1.0.0')
    .replace(':file', 'no-such-token.yaml')
    .replace('*', 'no/such-token.yaml')
    .replace(':digest', `sha256:${'0'.repeat(64)}`);
  const action = url.split('/').pop()!;
  if (action === 'import' && method === 'POST')
    return { method, url, body: url.startsWith('/v1/packs') ? PACK_IMPORT : PROFILE_IMPORT };
  if (route.url === '/v1/login') return { method, url, body: { username: 'victim', password: PASSWORD } };
  if (method === 'PATCH') {
    return {
      method,
      url,
      body: { metadata: { labels: { touched: 'yes' } } },
      contentType: 'application/merge-patch+json',
    };
  }
  if (route.url.endsWith('/status')) return { method, url, body: { status: {} } };
  if (method === 'PUT' && route.url.includes('/:name'))
    return { method, url, body: createBody(collection, name) };
  // The queries are the cluster actions' (a rollout plan takes none).
  const clusterAction = route.url.includes('/clusters/');
  const query =
    method === 'GET' ? (ACTION_QUERY[action] ?? '') : clusterAction ? (POST_QUERY[action] ?? '') : '';
  if (method === 'POST' && url === collection && !ACTION_BODIES[action]) {
    return { method, url, body: createBody(collection, `n${++created}`) };
  }
  if (method === 'POST') return { method, url: url + query, body: ACTION_BODIES[action] ?? {} };
  return { method, url: url + query };
}

const ACTION_BODIES: Record<string, Record<string, unknown>> = {
  // Single sign-on (public): an empty body is a 400, which is what a caller of any kind gets.
  token: {},
  device: {},
  'password-set': {},
  clone: { version: '9.9.9' },
  diff: { from: '1.0.0', to: '1.0.0' },
  resolve: {},
  push: { files: {} },
  plan: {},
  upgrade: { profile: 'fix', version: '1.0.0' },
  scale: { pool: 'workers', count: 1 },
  'generate-profile': { name: 'generated', version: '1.0.0' },
  'import-link': { expiresInSeconds: 60 },
  answer: {},
  status: {},
};

// Palette imports as dry runs: they convert and validate, and store nothing.
const PACK_IMPORT = {
  from: 'palette',
  dryRun: true,
  files: { 'pack.json': '{"name": "m", "version": "1.0.0", "layer": "os"}' },
};
const PROFILE_IMPORT = { from: 'palette', dryRun: true, text: 'name: m\ntype: add-on\npacks: []\n' };

const POST_QUERY: Record<string, string> = {
  'generate-profile': '?readWaitSeconds=1',
  plan: '?adoptionWaitSeconds=0',
};

const ACTION_QUERY: Record<string, string> = {
  diff: '?from=1.0.0&to=1.0.0',
  'desired-state': '?after=0&waitSeconds=0',
};
