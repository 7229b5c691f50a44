import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import { API_PREFIX, StrataError } from '@strata/api';
import type {
  AgentRequestRepository,
  ClusterAgentRepository,
  ImportLinkRepository,
  LoginAttemptRepository,
  ResourceRepository,
  SsoRepository,
} from '@strata/store';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
} from 'fastify';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { Authenticator } from './auth/authenticator.js';
import { canSeeProject, type Principal } from './auth/principal.js';
import { PrincipalLoader } from './auth/principal-loader.js';
import { refuseDeepBody } from './http/body-depth.js';
import { parseYamlOffLoop } from './http/off-loop.js';
import { toStrataError } from './http/problem.js';
import {
  declareQueryParameters,
  MAX_REQUEST_HEADERS,
  refuseControlCharacters,
  refuseManyHeaders,
  refuseNulInBody,
  refuseUnknownQuery,
} from './http/request-guards.js';
import { clientErrorAnswer, type HttpLimits, DEFAULT_HTTP_LIMITS } from './http/http-limits.js';
import { ResourceService, type RequestContext } from './resources/resource-service.js';
import type { SecretCipher } from './resources/secret-fields.js';
import { registerAuthRoutes } from './routes/auth.js';
import { registerSsoRoutes } from './routes/sso.js';
import { registerTenantAdminRoutes } from './routes/tenant-admins.js';
import { onboardTenant } from './auth/tenant-onboarding.js';
import { SsoService } from './auth/sso/sso-service.js';
import { identityProviderHooks } from './auth/sso/identity-provider-hooks.js';
import { DEFAULT_EGRESS_POLICY, type EgressPolicy } from '@strata/core';
import { registerHealthRoutes } from './routes/health.js';
import { registerResourceRoutes } from './routes/resources.js';
import { ChangeHub } from './watch/change-hub.js';
import { TenantCatalogs } from './catalog/tenant-catalog.js';
import { seedBuiltinPacks } from './catalog/builtin-packs.js';
import { clusterProfileHooks } from './profiles/profile-hooks.js';
import { packHooks } from './profiles/pack-hooks.js';
import { packSourceHooks } from './packs/pack-source-hooks.js';
import { registerProfileRoutes } from './profiles/profile-routes.js';
import { registerPackPushRoute } from './profiles/pack-push-route.js';
import { registerPaletteImportRoutes } from './profiles/palette-import-routes.js';
import { ensureBuiltinRoles } from './auth/bootstrap.js';
import { identityHooks } from './auth/identity-hooks.js';
import { LoginGuard } from './auth/login-guard.js';
import { singleDocument, type Pack } from '@strata/core';
import type { BinaryInstaller } from '@strata/sandbox';
import { registerSandboxRoutes } from './routes/sandbox.js';
import { registerAgentGateway } from './agent-gateway/agent-gateway.js';
import { ClusterAgents } from './agent-gateway/cluster-agents.js';
import { clusterHooks } from './clusters/cluster-hooks.js';
import { clusterGroupHooks, rolloutHooks } from './fleet/fleet-hooks.js';
import { registerFleetRoutes } from './fleet/fleet-routes.js';
import { registerClusterRoutes } from './clusters/cluster-routes.js';
import { registerImportRoutes } from './clusters/import-routes.js';
import { ProviderRegistry } from './clusters/provider-registry.js';
import { gatewayHooks } from './gateways/gateway-hooks.js';

export interface AppOptions {
  store: ResourceRepository;
  cipher: SecretCipher;
  /** Sign-in attempt counters, in the same database as `store` (shared by every replica). */
  loginAttempts: LoginAttemptRepository;
  /** Failed sign-ins allowed per account and per client address within `windowMs` (default 10 in 5 minutes). */
  loginLimits?: { maxFailures?: number; windowMs?: number };
  logger?: FastifyBaseLogger | false;
  /** Largest accepted request body (default 1 MiB). */
  bodyLimitBytes?: number;
  /** Timeouts and header limits of the listening server (defaults: DEFAULT_HTTP_LIMITS). */
  httpLimits?: Partial<HttpLimits>;
  /** How often watchers poll the store for changes made by other replicas. */
  watchPollIntervalMs?: number;
  ready?: () => Promise<boolean>;
  /** Builds and reports the sandbox's Kubernetes binaries (omit in tests that do not need it). */
  sandboxInstaller?: BinaryInstaller;
  /** The built-in pack catalog (packs/), seeded into every new tenant. */
  builtinPacks?: readonly Pack[];
  /** Providers Clusters may use (default none: every Cluster is refused with "unknown provider"). */
  providers?: ProviderRegistry;
  /** Agent tokens and desired-state revisions, in the same database as `store`. Enables the agent gateway. */
  clusterAgents?: ClusterAgentRepository;
  /** Requests to agents and their answers (same database as `store`): plans of imported clusters show adoption,
   * generated profiles can include objects read through the agent. */
  agentRequests?: AgentRequestRepository;
  /** An agent silent for longer is shown disconnected and not asked anything (default 90 s). */
  agentTimeoutMs?: number;
  /** The URL agents dial (known after listen()). */
  agentServerUrl?: () => string;
  /** One-time import links (same database as `store`); with `clusterAgents`, enables the import-link routes. */
  importLinks?: ImportLinkRepository;
  /** Single sign-on state (same database as `store`): enables IdentityProviders and the /v1/sso routes. */
  sso?: SsoRepository;
  /** Where the server may connect on a user's behalf (identity providers' issuers). Default: public addresses. */
  egress?: EgressPolicy;
  /** The URL browsers reach this server at (default: agentServerUrl). */
  publicUrl?: () => string;
  /** How often SSO sessions are refreshed at their IdP (default 5 minutes). */
  ssoRefreshEveryMs?: number;
  /** FIPS mode: passwords (argon2id) are refused everywhere; sign in with SSO or API keys. */
  fips?: boolean;
  /** Single sign-ons a client address may start within `windowMs` (default 60 in 5 minutes). */
  ssoStartLimits?: { max?: number; windowMs?: number };
}

export interface RouteInfo {
  method: string;
  url: string;
  /** The route takes any query parameter (e.g. an identity provider's callback): not refused as unknown. */
  anyQuery?: boolean;
}

export interface App {
  app: FastifyInstance;
  /** Every route registered, for tests that walk the whole API. */
  routes: RouteInfo[];
  service: ResourceService;
  hub: ChangeHub;
  principals: PrincipalLoader;
  registry: Registry;
  catalogs: TenantCatalogs;
  providers: ProviderRegistry;
  /** The agents' side of the clusters (present when `clusterAgents` was given). */
  agents?: ClusterAgents;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
  interface FastifyContextConfig {
    /** The route needs no API key (probes, sign-in). */
    public?: boolean;
    /** The route accepts query parameters it does not declare (an identity provider's redirect). */
    anyQuery?: boolean;
  }
}

/** Builds the HTTP API. Nothing listens yet: tests call `app.inject()`, main.ts calls `listen()`. */
export async function buildApp(options: AppOptions): Promise<App> {
  const limits: HttpLimits = { ...DEFAULT_HTTP_LIMITS, ...options.httpLimits };
  const app: FastifyInstance = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    bodyLimit: options.bodyLimitBytes ?? 1024 * 1024,
    // A slow client cannot hold a connection: the whole request (headers and body) must arrive within
    // requestTimeoutMs, the headers within headersTimeoutMs. Responses are not limited (watches, long polls).
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionTimeout: limits.idleTimeoutMs,
    http: {
      headersTimeout: limits.headersTimeoutMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // How often Node checks the two timeouts above (its default, 30 s, would let a request overrun by that).
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeoutMs),
    },
    clientErrorHandler: clientErrorAnswer(limits),
    genReqId: () => randomUUID(),
    // URLs Fastify cannot route (bad percent-encoding, an over-long segment) get a problem document too.
    frameworkErrors: (err, req, reply: FastifyReply) => {
      const detail =
        err.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'a segment of the URL path is too long'
          : 'the URL is not valid (malformed percent-encoding)';
      const problem = new StrataError('STRATA_BAD_REQUEST', detail).toProblem(req.url.slice(0, 200));
      void reply.code(400).type('application/problem+json').send(problem);
    },
    requestIdHeader: false,
    ajv: {
      customOptions: { removeAdditional: false, coerceTypes: false, allErrors: true, useDefaults: false },
    },
  });
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'strata_' });
  const latency = new Histogram({
    name: 'strata_http_request_duration_seconds',
    help: 'HTTP request latency by route, method and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  const principals = new PrincipalLoader({ store: options.store });
  const agentServerUrl = options.agentServerUrl ?? (() => 'http://127.0.0.1:7080');
  const authenticator: Authenticator = new Authenticator({
    store: options.store,
    principals,
    // Sessions made by single sign-on end when their IdP refuses a refresh.
    ssoSession: (tenant, keyName) => (sso ? sso.refresh(tenant, keyName) : Promise.resolve(true)),
  });
  const sso = options.sso
    ? new SsoService({
        store: options.store,
        logins: options.sso,
        cipher: options.cipher,
        egress: options.egress ?? DEFAULT_EGRESS_POLICY,
        publicUrl: options.publicUrl ?? agentServerUrl,
        onAccessChange: (tenant) => {
          principals.invalidate(tenant);
          authenticator.invalidate(tenant);
        },
        ...(options.ssoRefreshEveryMs ? { refreshEveryMs: options.ssoRefreshEveryMs } : {}),
      })
    : undefined;
  const hub = new ChangeHub({
    store: options.store,
    ...(options.watchPollIntervalMs ? { pollIntervalMs: options.watchPollIntervalMs } : {}),
  });
  const catalogs = new TenantCatalogs({ store: options.store });
  const providers = options.providers ?? new ProviderRegistry();
  const agents = options.clusterAgents
    ? new ClusterAgents({
        repository: options.clusterAgents,
        cipher: options.cipher,
        ...(options.agentRequests ? { requests: options.agentRequests } : {}),
        ...(options.agentTimeoutMs ? { agentTimeoutMs: options.agentTimeoutMs } : {}),
      })
    : undefined;
  const onboarding = {
    store: options.store,
    cipher: options.cipher,
    // FIPS mode: no password links (a first admin signs in through the tenant's IdP group).
    ...(options.sso && !options.fips ? { links: options.sso } : {}),
  };
  const service = new ResourceService({
    store: options.store,
    cipher: options.cipher,
    principals,
    onAccessChange: (tenant) => {
      authenticator.invalidate(tenant);
      catalogs.invalidate(tenant);
    },
    onWrite: (kind, tenant) => {
      hub.notify();
      if (kind === 'Pack' || kind === 'PackSource') catalogs.invalidate(tenant);
    },
    hooks: {
      ClusterProfile: clusterProfileHooks(catalogs, options.cipher),
      Cluster: clusterHooks({ catalogs, providers, cipher: options.cipher }),
      Pack: packHooks(),
      PackSource: packSourceHooks(),
      ...(sso ? { IdentityProvider: identityProviderHooks(sso) } : {}),
      ClusterGroup: clusterGroupHooks(),
      Gateway: gatewayHooks(),
      Rollout: rolloutHooks(),
      ...identityHooks({
        principals,
        ...(options.fips ? { fips: true } : {}),
        afterTenantCreate: async (ctx, created) => {
          await ensureBuiltinRoles(ctx.store, created.metadata.name);
          await seedBuiltinPacks(ctx.store, created.metadata.name, options.builtinPacks ?? []);
          return onboardTenant(onboarding, created);
        },
      }),
    },
  });

  for (const type of ['application/yaml', 'application/x-yaml', 'text/yaml']) {
    // Bounded like every YAML Strata reads (size, and what aliases expand to); bodies over 256 KiB in a worker.
    app.addContentTypeParser(
      type,
      { parseAs: 'string' },
      async (req: FastifyRequest, body: string | Buffer): Promise<unknown> => {
        const result = await parseYamlOffLoop(String(body), {
          booleans: 'yaml-1.2',
          maxBytes: req.routeOptions.bodyLimit ?? options.bodyLimitBytes ?? 1024 * 1024,
        });
        const parsed = singleDocument(result, '');
        if (parsed.issues.length === 0) return parsed.value;
        const first = parsed.issues[0]?.message ?? '';
        if (result.tooLarge)
          throw new StrataError('STRATA_BODY_TOO_LARGE', `the body is too large: ${first}`);
        // Only the position: a message may quote the source, which may hold a secret.
        throw new StrataError('STRATA_MALFORMED_BODY', `the body is not valid YAML${yamlPosition(first)}`);
      },
    );
  }
  app.addContentTypeParser('application/merge-patch+json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, JSON.parse(body as string) as unknown);
    } catch (err) {
      done(
        new StrataError('STRATA_MALFORMED_BODY', `the body is not valid JSON: ${(err as Error).message}`),
        undefined,
      );
    }
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Strata API',
        version: 'v1alpha1',
        description: 'Manage fleets of Kubernetes clusters from cluster profiles.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer', description: 'An API key: stk.TENANT.NAME.SECRET' },
        },
      },
      security: [{ apiKey: [] }],
    },
    refResolver: {
      buildLocalReference: (json, _base, _fragment, i) =>
        typeof json.$id === 'string' ? json.$id : `def-${i}`,
    },
  });

  // Node's parser refuses a request with more headers than this (clientErrorAnswer); a request with exactly one more
  // than the limit passes it and is refused by refuseManyHeaders, as on Node versions that silently dropped the rest.
  app.server.maxHeadersCount = MAX_REQUEST_HEADERS + 1;
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', declareQueryParameters);
  app.addHook('onRoute', (r) => {
    const anyQuery = r.config?.anyQuery === true;
    for (const method of [r.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: r.url, ...(anyQuery ? { anyQuery } : {}) });
  });

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    refuseManyHeaders(req);
    refuseControlCharacters(req);
    if (!req.routeOptions.config.public) {
      req.principal = await authenticator.authenticate(req.headers.authorization);
      // Every project route is gated here, before body validation: a caller who cannot see the project learns
      // nothing about it, not even whether a request body would have been valid. The project itself too.
      const project = projectInUrl(req);
      if (project !== undefined && !canSeeProject(req.principal, project)) {
        throw new StrataError('STRATA_NOT_FOUND', `project "${project}" not found`);
      }
    }
    refuseUnknownQuery(req);
  });
  app.addHook('preValidation', async (req) => refuseNulInBody(req.body));
  app.addHook('preValidation', async (req) => refuseDeepBody(req.body));
  app.addHook('onResponse', async (req, reply) => {
    latency.observe(
      { method: req.method, route: req.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.setErrorHandler((err, req, reply) => {
    const e = toStrataError(err);
    if (e.code === 'STRATA_INTERNAL') req.log.error({ err }, 'request failed');
    // Client errors are logged by code only: their details may quote the request body.
    else req.log.info({ code: e.code, status: e.status }, 'request refused');
    return reply.code(e.status).type('application/problem+json').send(e.toProblem(req.url));
  });
  app.setNotFoundHandler((req, reply) => {
    const e = new StrataError('STRATA_NOT_FOUND', `no route ${req.method} ${req.url.split('?')[0]}`);
    return reply.code(404).type('application/problem+json').send(e.toProblem(req.url));
  });

  const principalOf = (req: FastifyRequest): Principal => {
    if (!req.principal) throw new StrataError('STRATA_UNAUTHENTICATED', 'authentication required');
    return req.principal;
  };
  const context = (req: FastifyRequest): RequestContext => ({
    principal: principalOf(req),
    requestId: req.id,
  });

  registerHealthRoutes(app, { registry, ready: options.ready ?? (async () => true), principal: principalOf });
  registerAuthRoutes(app, {
    store: options.store,
    principal: principalOf,
    onWrite: () => hub.notify(),
    ...(options.fips ? { fips: true } : {}),
    guard: new LoginGuard({ attempts: options.loginAttempts, ...options.loginLimits }),
  });
  if (sso) {
    registerSsoRoutes(app, {
      sso,
      onWrite: () => hub.notify(),
      starts: { attempts: options.loginAttempts, ...options.ssoStartLimits },
    });
  }
  registerTenantAdminRoutes(app, { store: options.store, service, principal: principalOf, onboarding });
  registerResourceRoutes(app, {
    service,
    hub,
    context,
    reauthenticate: (req) => authenticator.authenticate(req.headers.authorization),
  });
  registerProfileRoutes(app, {
    service,
    catalogs,
    cipher: options.cipher,
    context,
    onWrite: () => hub.notify(),
  });
  registerPackPushRoute(app, { service, context });
  registerPaletteImportRoutes(app, { service, catalogs, context });
  if (agents) {
    const clusterRoutes = {
      service,
      store: options.store,
      cipher: options.cipher,
      catalogs,
      providers,
      agents,
      context,
      agentServerUrl,
      onWrite: () => hub.notify(),
    };
    registerClusterRoutes(app, clusterRoutes);
    registerFleetRoutes(app, clusterRoutes);
    if (options.importLinks) {
      registerImportRoutes(app, {
        service,
        store: options.store,
        providers,
        agents,
        links: options.importLinks,
        context,
        agentServerUrl,
      });
    }
    registerAgentGateway(app, { store: options.store, agents, onStatus: () => hub.notify() });
  }
  if (options.sandboxInstaller) registerSandboxRoutes(app, options.sandboxInstaller);
  app.get('/v1/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.addHook('onClose', async () => hub.close());

  return {
    app,
    routes,
    service,
    hub,
    principals,
    registry,
    catalogs,
    providers,
    ...(agents ? { agents } : {}),
  };
}

/** The project a URL points into (`/v1/projects/:project/...`) or at (`/v1/projects/:name`). */
function projectInUrl(req: FastifyRequest): string | undefined {
  const params = (req.params ?? {}) as { project?: string; name?: string };
  if (params.project !== undefined) return params.project;
  const url = req.routeOptions.url ?? '';
  return url === `${API_PREFIX}/projects/:name` || url.startsWith(`${API_PREFIX}/projects/:name/`)
    ? params.name
    : undefined;
}

function yamlPosition(message: string): string {
  const pos = /line (\d+), column (\d+)/.exec(message);
  return pos ? ` at line ${pos[1]}, column ${pos[2]}` : '';
}
