import { StrataError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import type { Principal } from './principal.js';
import type { PrincipalLoader } from './principal-loader.js';
import { SSO_LABEL } from './sessions.js';
import { hashSecret, parseToken, secretMatches } from './tokens.js';

export interface AuthenticatorOptions {
  store: ResourceRepository;
  principals: PrincipalLoader;
  now?: () => Date;
  /**
   * How long a verified key is remembered. Revocation through this server takes effect at once (invalidate);
   * through another replica within this time.
   */
  cacheTtlMs?: number;
  /**
   * Checks a session made by single sign-on (refreshing it at the IdP when due); false ends it. Absent: SSO
   * sessions live until they expire.
   */
  ssoSession?: (tenant: string, keyName: string) => Promise<boolean>;
}

const MAX_CACHED = 10_000;

/** Bearer API key → Principal. Every failure is the same 401, so callers learn nothing about which part was wrong. */
export class Authenticator {
  readonly #store: ResourceRepository;
  readonly #principals: PrincipalLoader;
  readonly #now: () => Date;
  readonly #ttlMs: number;
  readonly #ssoSession: AuthenticatorOptions['ssoSession'];
  readonly #cache = new Map<string, { principal: Principal; until: number }>();

  constructor(options: AuthenticatorOptions) {
    this.#store = options.store;
    this.#principals = options.principals;
    this.#now = options.now ?? (() => new Date());
    this.#ttlMs = options.cacheTtlMs ?? 2000;
    this.#ssoSession = options.ssoSession;
  }

  /** Forgets every cached key of a tenant (after a write to keys, users or access). */
  invalidate(tenant: string): void {
    for (const [k, v] of this.#cache) if (v.principal.tenant === tenant) this.#cache.delete(k);
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const cacheKey = authorization ? hashSecret(authorization) : '';
    const cached = this.#cache.get(cacheKey);
    const now = this.#now().getTime();
    if (cached && cached.until > now) return cached.principal;
    const { principal, expiresAt } = await this.#verify(authorization);
    if (this.#cache.size >= MAX_CACHED) this.#cache.clear();
    this.#cache.set(cacheKey, { principal, until: Math.min(now + this.#ttlMs, expiresAt ?? Infinity) });
    return principal;
  }

  async #verify(authorization: string | undefined): Promise<{ principal: Principal; expiresAt?: number }> {
    const denied = new StrataError(
      'STRATA_UNAUTHENTICATED',
      'a valid API key is required: send "Authorization: Bearer <key>"',
    );
    if (!authorization) throw denied;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match ? parseToken(match[1]!) : undefined;
    if (!token) throw denied;
    const scope = { tenant: token.tenant, projects: '*' as const };
    const key = await this.#store.get(scope, {
      kind: 'ApiKey',
      tenant: token.tenant,
      project: '',
      name: token.name,
    });
    const hash = key?.status.keyHash;
    if (!key || typeof hash !== 'string' || !secretMatches(token.secret, hash)) throw denied;
    if (key.spec.revoked === true || key.metadata.deletedAt) {
      throw new StrataError('STRATA_UNAUTHENTICATED', 'this API key has been revoked');
    }
    const expiresAt = key.spec.expiresAt;
    if (typeof expiresAt === 'string' && Date.parse(expiresAt) <= this.#now().getTime()) {
      throw new StrataError('STRATA_UNAUTHENTICATED', 'this API key has expired');
    }
    // A key belongs to one user and one tenant by UID: a user or tenant deleted and made again under the same
    // name is someone else, and the keys of its predecessor never work for it.
    const [tenant, user] = await Promise.all([
      this.#store.get(
        { tenant: '', projects: '*' },
        { kind: 'Tenant', tenant: '', project: '', name: token.tenant },
      ),
      this.#store.get(scope, {
        kind: 'User',
        tenant: token.tenant,
        project: '',
        name: String(key.spec.user),
      }),
    ]);
    if (!tenant || tenant.metadata.deletedAt || tenant.metadata.uid !== key.status.tenantUid) throw denied;
    if (!user || user.spec.disabled === true || user.metadata.deletedAt) throw denied;
    if (user.metadata.uid !== key.status.userUid) throw denied;
    if (
      key.metadata.labels[SSO_LABEL] &&
      this.#ssoSession &&
      !(await this.#ssoSession(token.tenant, token.name))
    ) {
      throw new StrataError(
        'STRATA_UNAUTHENTICATED',
        'this session has ended: the identity provider no longer accepts it; sign in again',
      );
    }
    const principal = await this.#principals.load(token.tenant, {
      name: user.metadata.name,
      uid: user.metadata.uid,
    });
    return { principal, ...(typeof expiresAt === 'string' ? { expiresAt: Date.parse(expiresAt) } : {}) };
  }
}
