import { StrataError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import type { LoginGuard } from '../auth/login-guard.js';
import type { Principal } from '../auth/principal.js';
import { mintSession } from '../auth/sessions.js';
import { tenantPolicy } from '../auth/tenant-policy.js';
import { FIPS_PASSWORD_REFUSAL } from '../fips.js';
import { randomBytes } from 'node:crypto';

export interface AuthRoutesOptions {
  store: ResourceRepository;
  principal: (req: FastifyRequest) => Principal;
  /** Lifetime of a session key made by /v1/login. */
  sessionTtlMs?: number;
  onWrite?: () => void;
  guard: LoginGuard;
  /** FIPS mode: password sign-in is refused before any hash is computed. */
  fips?: boolean;
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
      if (o.fips) throw new StrataError('STRATA_FORBIDDEN', FIPS_PASSWORD_REFUSAL);
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
      if (!ok) throw new StrataError('STRATA_UNAUTHENTICATED', 'wrong username or password');
      await refusePasswordSignIn(o.store, tenant);
      await guard.succeeded(keys);
      const session = await mintSession(o.store, {
        tenant,
        user: req.body.username,
        actor: req.body.username,
        requestId: req.id,
        description: 'session created by sign-in',
        ...(o.sessionTtlMs ? { ttlMs: o.sessionTtlMs } : {}),
      }).catch((err: unknown) => {
        // The user or tenant went away between the check and the write.
        if ((err as { code?: string }).code === 'STRATA_VALIDATION_FAILED')
          throw new StrataError('STRATA_UNAUTHENTICATED', 'wrong username or password');
        throw err;
      });
      o.onWrite?.();
      const { token, expiresAt, user: signedIn } = session;
      return { token, expiresAt, user: signedIn, tenant };
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

/** A tenant whose policy turns password sign-in off accepts only single sign-on (checked after the password). */
async function refusePasswordSignIn(store: ResourceRepository, tenant: string): Promise<void> {
  if ((await tenantPolicy(store, tenant)).passwordSignIn === false) {
    throw new StrataError(
      'STRATA_FORBIDDEN',
      `tenant "${tenant}" allows sign-in only through its identity provider (single sign-on)`,
    );
  }
}
