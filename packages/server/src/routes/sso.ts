import type { LoginAttemptRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LoginGuard } from '../auth/login-guard.js';
import type { SsoService } from '../auth/sso/sso-service.js';
import { CALLBACK_PATH } from '../auth/sso/sso-service.js';

export interface SsoRoutesOptions {
  sso: SsoService;
  onWrite?: () => void;
  /** Where sign-ins started per client address are counted, and how many are allowed (default 60 in 5 minutes). */
  starts: { attempts: LoginAttemptRepository; max?: number; windowMs?: number };
}

const Tenant = { type: 'string', minLength: 1, maxLength: 63 } as const;
const ProviderName = { type: 'string', minLength: 1, maxLength: 63 } as const;
const Secret = { type: 'string', minLength: 32, maxLength: 256 } as const;

/**
 * Single sign-on (OpenID Connect). Every route is public: the credential is the IdP's answer, or a one-time code or
 * handle plus the verifier only the client that started the sign-in knows.
 */
export function registerSsoRoutes(app: FastifyInstance, o: SsoRoutesOptions): void {
  // Anonymous starts store state and may call the IdP: counted per address in the database, like sign-ins.
  const starts = new LoginGuard({
    attempts: o.starts.attempts,
    maxFailures: o.starts.max ?? 60,
    windowMs: o.starts.windowMs ?? 5 * 60_000,
  });
  const limitStarts = (ip: string) =>
    starts.reserve({ account: `sso-start:${ip}`, address: `sso-start:${ip}` });
  app.get<{ Querystring: { tenant?: string } }>(
    '/v1/sso/providers',
    {
      schema: {
        tags: ['Auth'],
        summary: "The tenant's identity providers users can sign in with",
        querystring: { type: 'object', additionalProperties: false, properties: { tenant: Tenant } },
      },
      config: { public: true },
    },
    async (req) => ({ items: await o.sso.providers(req.query.tenant ?? 'default') }),
  );

  app.get<{ Querystring: { tenant?: string; provider: string; redirect: string; challenge: string } }>(
    '/v1/sso/authorize',
    {
      schema: {
        tags: ['Auth'],
        summary: "Starts a browser sign-in: redirects to the identity provider's sign-in page",
        querystring: {
          type: 'object',
          required: ['provider', 'redirect', 'challenge'],
          additionalProperties: false,
          properties: {
            tenant: Tenant,
            provider: ProviderName,
            redirect: { type: 'string', minLength: 1, maxLength: 512 },
            challenge: { type: 'string', minLength: 43, maxLength: 43 },
          },
        },
      },
      config: { public: true },
    },
    async (req, reply) => {
      await limitStarts(req.ip);
      const url = await o.sso.authorize({ ...req.query, tenant: req.query.tenant ?? 'default' });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    CALLBACK_PATH,
    {
      schema: {
        tags: ['Auth'],
        summary: 'Where the identity provider sends the browser back (the redirect URI to register)',
        querystring: {
          type: 'object',
          properties: {
            code: { type: 'string', maxLength: 4096 },
            state: { type: 'string', maxLength: 512 },
          },
        },
      },
      config: { public: true, anyQuery: true },
      // The query holds the IdP's authorization code and our state: never logged.
      logSerializers: {
        req: (req: FastifyRequest) => ({ method: req.method, url: CALLBACK_PATH, remoteAddress: req.ip }),
      },
    },
    async (req, reply) => {
      const search = new URLSearchParams(req.url.split('?')[1] ?? '');
      const back = await o.sso.callback(search, req.id);
      o.onWrite?.();
      return reply.redirect(back, 302);
    },
  );

  app.post<{ Body: { code: string; verifier: string } }>(
    '/v1/sso/token',
    {
      schema: {
        tags: ['Auth'],
        summary:
          'Collects the session of a finished browser sign-in (once), with the verifier of its challenge',
        body: {
          type: 'object',
          required: ['code', 'verifier'],
          additionalProperties: false,
          properties: { code: Secret, verifier: Secret },
        },
      },
      config: { public: true },
    },
    async (req) => sessionBody(await o.sso.collect(req.body)),
  );

  app.post<{ Body: { tenant?: string; provider: string } }>(
    '/v1/sso/device',
    {
      schema: {
        tags: ['Auth'],
        summary:
          'Starts a device sign-in (for machines without a browser): the code to enter at the provider',
        body: {
          type: 'object',
          required: ['provider'],
          additionalProperties: false,
          properties: { tenant: Tenant, provider: ProviderName },
        },
      },
      config: { public: true },
    },
    async (req) => {
      await limitStarts(req.ip);
      return o.sso.deviceStart({ provider: req.body.provider, tenant: req.body.tenant ?? 'default' });
    },
  );

  app.post<{ Body: { handle: string } }>(
    '/v1/sso/device/token',
    {
      schema: {
        tags: ['Auth'],
        summary: 'Waits one polling interval for the device sign-in: `pending`, or the session',
        body: {
          type: 'object',
          required: ['handle'],
          additionalProperties: false,
          properties: { handle: Secret },
        },
      },
      config: { public: true },
    },
    async (req) => {
      const result = await o.sso.devicePoll(req.body.handle, req.id);
      if (result.status === 'pending') return { status: 'pending' };
      o.onWrite?.();
      return { status: 'complete', ...sessionBody(result.session) };
    },
  );
}

function sessionBody(s: { token: string; expiresAt: string; user: string; tenant: string }) {
  return { token: s.token, expiresAt: s.expiresAt, user: s.user, tenant: s.tenant };
}
