import { StrataError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { keyOwner } from '../auth/key-owner.js';
import type { LoginGuard } from '../auth/login-guard.js';
import type { Principal } from '../auth/principal.js';
import { formatToken, hashSecret, newSecret } from '../auth/tokens.js';
import { randomBytes } from 'node:crypto';

export interface AuthRoutesOptions {
  store: ResourceRepository;
  principal: (req: FastifyRequest) => Principal;
  /** Lifetime of a session key made by /v1/login. */
  sessionTtlMs?: number;
  onWrite?: () => void;
  guard: LoginGuard;
}

let dummy: Promise<string> | undefined;
/** A real argon2id hash of a random password, verified when the user does not exist. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'));
  return dummy;
}

const LoginBody = {
  type: 'object',
  required: ['username', 'password'],
  additionalProperties: false,
  properties: {
    username: { type: 'string', minLength: 1, maxLength: 63 },
    password: { type: 'string', minLength: 1, maxLength: 1024 },
    tenant: { type: 'string', minLength: 1, maxLength: 63 },
  },
} as const;

/** Sign-in with a password (gives a session API key) and "who am I". */
export function registerAuthRoutes(app: FastifyInstance, o: AuthRoutesOptions): void {
  const guard = o.guard;
  app.post<{ Body: { username: string; password: string; tenant?: string } }>(
    '/v1/login',
    {
      schema: {
        tags: ['Auth'],
        summary: 'Sign in with a password; returns a session API key',
        body: LoginBody,
      },
      config: { public: true },
    },
    async (req) => {
      const tenant = req.body.tenant ?? 'default';
      const scope = { tenant, projects: '*' as const };
      const keys = { account: `user:${tenant}/${req.body.username}`, address: `ip:${req.ip}` };
      // Counted before the password is checked: concurrent guesses cannot all get past the limit.
      await guard.reserve(keys);
      const user = await o.store.get(scope, { kind: 'User', tenant, project: '', name: req.body.username });
      const hash = typeof user?.spec.password === 'string' ? user.spec.password : await dummyHash();
      // Always verify a hash, so a missing user takes as long as a wrong password.
      const verified = await guard.limit(() => verifyPassword(hash, req.body.password));
      const ok = verified && user !== undefined && user.spec.disabled !== true && !user.metadata.deletedAt;
      // The session key is bound to the user's and the tenant's UIDs, like every key.
      const owner = ok
        ? await keyOwner(o.store, tenant, req.body.username).catch(() => undefined)
        : undefined;
      if (!owner) throw new StrataError('STRATA_UNAUTHENTICATED', 'wrong username or password');
      await guard.succeeded(keys);
      const secret = newSecret();
      const name = `session-${randomBytes(6).toString('hex')}`;
      const expiresAt = new Date(Date.now() + (o.sessionTtlMs ?? 12 * 3600_000)).toISOString();
      await o.store.create(
        scope,
        {
          key: { kind: 'ApiKey', tenant, project: '', name },
          labels: { 'strata.dev/session': 'true' },
          spec: { user: req.body.username, description: 'session created by sign-in', expiresAt },
          status: { keyHash: hashSecret(secret), ...owner },
        },
        { name: req.body.username, requestId: req.id },
      );
      o.onWrite?.();
      return { token: formatToken(tenant, name, secret), expiresAt, user: req.body.username, tenant };
    },
  );

  app.get(
    '/v1/whoami',
    { schema: { tags: ['Auth'], summary: 'The calling user and what it may do' } },
    async (req) => {
      const p = o.principal(req);
      return {
        user: p.name,
        tenant: p.tenant,
        tenantPermissions: p.tenantPermissions,
        projects: Object.fromEntries(p.projectPermissions),
      };
    },
  );
}
