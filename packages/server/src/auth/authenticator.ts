import { StrataError } from '@strata/api';
import type { ResourceRepository } from '@strata/store';
import type { Principal } from './principal.js';
import type { PrincipalLoader } from './principal-loader.js';
import { parseToken, secretMatches } from './tokens.js';

export interface AuthenticatorOptions {
  store: ResourceRepository;
  principals: PrincipalLoader;
  now?: () => Date;
}

/** Bearer API key → Principal. Every failure is the same 401, so callers learn nothing about which part was wrong. */
export class Authenticator {
  readonly #store: ResourceRepository;
  readonly #principals: PrincipalLoader;
  readonly #now: () => Date;

  constructor(options: AuthenticatorOptions) {
    this.#store = options.store;
    this.#principals = options.principals;
    this.#now = options.now ?? (() => new Date());
  }

  async authenticate(authorization: string | undefined): Promise<Principal> {
    const denied = new StrataError('STRATA_UNAUTHENTICATED', 'a valid API key is required: send "Authorization: Bearer <key>"');
    if (!authorization) throw denied;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    const token = match ? parseToken(match[1]!) : undefined;
    if (!token) throw denied;
    const scope = { tenant: token.tenant, projects: '*' as const };
    const key = await this.#store.get(scope, { kind: 'ApiKey', tenant: token.tenant, project: '', name: token.name });
    const hash = key?.status.keyHash;
    if (!key || typeof hash !== 'string' || !secretMatches(token.secret, hash)) throw denied;
    if (key.spec.revoked === true || key.metadata.deletedAt) {
      throw new StrataError('STRATA_UNAUTHENTICATED', 'this API key has been revoked');
    }
    const expiresAt = key.spec.expiresAt;
    if (typeof expiresAt === 'string' && Date.parse(expiresAt) <= this.#now().getTime()) {
      throw new StrataError('STRATA_UNAUTHENTICATED', 'this API key has expired');
    }
    const userName = key.spec.user as string;
    const user = await this.#store.get(scope, { kind: 'User', tenant: token.tenant, project: '', name: userName });
    if (!user || user.spec.disabled === true) throw denied;
    return this.#principals.load(token.tenant, userName);
  }
}
