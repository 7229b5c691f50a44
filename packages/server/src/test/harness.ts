import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AgentRequestRepository,
  ClusterAgentRepository,
  ImportLinkRepository,
  KyselyResourceRepository,
  LoginAttemptRepository,
  SsoRepository,
} from '@strata/store';
import { ImportedProvider, SandboxProvider } from '@strata/providers';
import { ProviderRegistry } from '../clusters/provider-registry.js';
import type { ResourceService } from '../resources/resource-service.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { StallGuard, type TestBackend, type TestDatabase } from '@strata/testing';
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppOptions, type RouteInfo } from '../app.js';
import { bootstrap } from '../auth/bootstrap.js';
import { openCipher } from '../secrets.js';
import type { Pack } from '@strata/core';
import { repairTenants } from '../catalog/builtin-packs.js';
import { loadCatalogDirectory } from '../packs/catalog-loader.js';
import type { DesiredStateMessage } from '@strata/api';
import { parseEgressPolicy, type EgressPolicy } from '@strata/core';

/**
 * The egress policy of test servers: loopback is allowed, because test Helm repositories and sandbox clusters listen
 * on 127.0.0.1 (a real server denies it unless started with --egress-allow).
 */
export const TEST_EGRESS_POLICY: EgressPolicy = parseEgressPolicy('127.0.0.0/8').policy;

let builtinPacks: Promise<Pack[]> | undefined;
/** The built-in catalog, read once per test process. */
function builtinCatalog(): Promise<Pack[]> {
  builtinPacks ??= loadCatalogDirectory().then((r) => {
    if (r.failures.length > 0) throw new Error(`built-in packs are invalid: ${JSON.stringify(r.failures)}`);
    return r.packs;
  });
  return builtinPacks;
}

/** A real server (Fastify app over a real SQLite or PostgreSQL database) for API tests via inject(). */
export interface TestServer {
  app: FastifyInstance;
  routes: RouteInfo[];
  store: KyselyResourceRepository;
  /** The app's ResourceService (controllers that write through it, e.g. the Rollout controller). */
  service: ResourceService;
  cipher: SecretCipher;
  catalogs: TenantCatalogs;
  database: TestDatabase;
  dataDir: string;
  adminKey: string;
  call(request: CallOptions): Promise<CallResult>;
  close(): Promise<void>;
}

export interface CallOptions {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  /** API key; defaults to the admin's. Pass null for no Authorization header. */
  key?: string | null;
  body?: unknown;
  /** Raw body text (for malformed-input tests). */
  payload?: string | Buffer;
  contentType?: string;
}

export interface CallResult {
  status: number;
  headers: Record<string, unknown>;
  // Tests read arbitrary fields of responses.
  body: Record<string, unknown> & { items?: Record<string, unknown>[] };
  text: string;
}

/** Test-only options of startTestServer, next to the app's own. */
export interface TestServerOptions {
  /** Fail every call() that blocks the event loop longer than this (see StallGuard). */
  stallGuardMs?: number;
}

export async function startTestServer(
  backend: TestBackend,
  options: Partial<AppOptions> & TestServerOptions = {},
): Promise<TestServer> {
  const { stallGuardMs, ...extra } = options;
  const stall = stallGuardMs === undefined ? undefined : { limitMs: stallGuardMs, guard: new StallGuard() };
  const database = await backend.create();
  const dataDir = await mkdtemp(join(tmpdir(), 'strata-server-'));
  const store = new KyselyResourceRepository({ db: database.handle.db });
  const cipher = await openCipher({ dataDir, env: {} });
  const boot = await bootstrap(store, dataDir);
  const builtinPacks = await builtinCatalog();
  await repairTenants(store, builtinPacks);
  const adminKey = (await readFile(boot.apiKeyFile, 'utf8')).trim();
  const { app, routes, catalogs, service } = await buildApp({
    store,
    cipher,
    logger: false,
    watchPollIntervalMs: 50,
    builtinPacks,
    // Clusters are validated against a real sandbox provider; no controller runs here, so nothing is created.
    providers: new ProviderRegistry([
      new SandboxProvider({ stateDir: join(dataDir, 'sandbox') }),
      new ImportedProvider({
        stateDir: join(dataDir, 'imported'),
        probeTimeoutMs: 3000,
        egress: TEST_EGRESS_POLICY,
      }),
    ]),
    clusterAgents: new ClusterAgentRepository({ db: database.handle.db }),
    agentRequests: new AgentRequestRepository({ db: database.handle.db }),
    importLinks: new ImportLinkRepository({ db: database.handle.db }),
    loginAttempts: new LoginAttemptRepository({ db: database.handle.db }),
    sso: new SsoRepository({ db: database.handle.db }),
    egress: TEST_EGRESS_POLICY,
    ...extra,
  });
  await app.ready();
  const call = async (o: CallOptions): Promise<CallResult> => {
    const key = o.key === undefined ? adminKey : o.key;
    const headers: Record<string, string> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    let payload: string | Buffer | undefined = o.payload;
    if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    const inject = () =>
      app.inject({ method: o.method, url: o.url, headers, ...(payload !== undefined ? { payload } : {}) });
    const res = stall
      ? await stall.guard.guard(`${o.method} ${o.url.slice(0, 200)}`, stall.limitMs, inject)
      : await inject();
    let body: CallResult['body'] = {};
    try {
      body = JSON.parse(res.body) as CallResult['body'];
    } catch {
      // not JSON (metrics, SSE)
    }
    return { status: res.statusCode, headers: res.headers, body, text: res.body };
  };
  return {
    app,
    routes,
    store,
    service,
    cipher,
    catalogs,
    database,
    dataDir,
    adminKey,
    call,
    close: async () => {
      await app.close();
      await database.dispose();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Creates a user with a role bound in a project (or at tenant scope) and returns an API key for them. */
export async function createUserWithRole(
  server: TestServer,
  options: { user: string; role: string; project?: string },
): Promise<string> {
  const { user, role, project } = options;
  await expectOk(
    server.call({
      method: 'POST',
      url: '/v1/users',
      body: { metadata: { name: user }, spec: { password: 'correct horse battery' } },
    }),
  );
  const bindingUrl = project ? `/v1/projects/${project}/rolebindings` : '/v1/rolebindings';
  await expectOk(
    server.call({
      method: 'POST',
      url: bindingUrl,
      body: {
        metadata: { name: `${user}-${role}` },
        spec: { role, subjects: [{ kind: 'User', name: user }] },
      },
    }),
  );
  const res = await expectOk(
    server.call({
      method: 'POST',
      url: '/v1/apikeys',
      body: { metadata: { name: `${user}-key` }, spec: { user } },
    }),
  );
  return res.body.key as string;
}

/** Creates a ClusterProfile version under `base` (`/v1` for the tenant, `/v1/projects/NAME`) and publishes it. */
export async function publishProfile(
  server: TestServer,
  body: { metadata: { name: string }; spec: { version: string } & Record<string, unknown> },
  base = '/v1',
): Promise<void> {
  await expectOk(server.call({ method: 'POST', url: `${base}/clusterprofiles`, body }));
  const { name } = body.metadata;
  await expectOk(
    server.call({
      method: 'POST',
      url: `${base}/clusterprofiles/${name}/versions/${body.spec.version}/publish`,
    }),
  );
}

export async function expectOk(pending: Promise<CallResult>): Promise<CallResult> {
  const res = await pending;
  if (res.status >= 300) throw new Error(`expected success, got ${res.status}: ${res.text}`);
  return res;
}

/** Speaks the agent protocol with a cluster's agent token (read when called): report, long poll, answer. */
export function agentProtocol(s: TestServer, token: () => string) {
  return {
    /** A healthy status report at revision 0, with `extra` fields (e.g. `discovery`). */
    report: (extra: Record<string, unknown> = {}) =>
      expectOk(
        s.call({
          method: 'POST',
          url: '/v1/agent/status',
          key: token(),
          body: {
            protocol: 1,
            agentVersion: '0.1.0',
            revision: 0,
            observedAt: new Date().toISOString(),
            health: 'Healthy',
            layers: [],
            ...extra,
          },
        }),
      ),
    /** One long poll from revision 0, which must answer 200 within 10 s. */
    poll: async (): Promise<DesiredStateMessage> => {
      const res = await s.call({
        method: 'GET',
        url: '/v1/agent/desired-state?after=0&waitSeconds=10',
        key: token(),
      });
      if (res.status !== 200) throw new Error(`long poll: ${res.status} ${res.text}`);
      return res.body as unknown as DesiredStateMessage;
    },
    answer: (body: Record<string, unknown>) =>
      s.call({ method: 'POST', url: '/v1/agent/answer', key: token(), body: { protocol: 1, ...body } }),
  };
}
