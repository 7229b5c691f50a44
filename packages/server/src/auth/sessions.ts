import { randomBytes } from 'node:crypto';
import type { ResourceRepository } from '@strata/store';
import { keyOwner } from './key-owner.js';
import { formatToken, hashSecret, newSecret } from './tokens.js';

export const SESSION_LABEL = 'strata.dev/session';
/** Sessions made by single sign-on also carry the provider's name (their refresh token is in `sso_sessions`). */
export const SSO_LABEL = 'strata.dev/sso';
/** Every API key carries its owner's name, so admins can list one user's keys by label. */
export const USER_LABEL = 'strata.dev/user';
export const DEFAULT_SESSION_TTL_MS = 12 * 3600_000;

export interface Session {
  token: string;
  /** The session key's name (inside the token). */
  name: string;
  expiresAt: string;
  user: string;
  tenant: string;
}

export interface MintSessionOptions {
  tenant: string;
  user: string;
  ttlMs?: number;
  /** Who signs the audit entry (the user itself for a password sign-in). */
  actor: string;
  requestId?: string;
  description: string;
  /** The IdentityProvider, for sessions made by single sign-on. */
  provider?: string;
}

/** Makes a session API key for a user, bound to the user's and the tenant's UIDs like every key. */
export async function mintSession(store: ResourceRepository, o: MintSessionOptions): Promise<Session> {
  const owner = await keyOwner(store, o.tenant, o.user);
  const secret = newSecret();
  const name = `session-${randomBytes(6).toString('hex')}`;
  const expiresAt = new Date(Date.now() + (o.ttlMs ?? DEFAULT_SESSION_TTL_MS)).toISOString();
  await store.create(
    { tenant: o.tenant, projects: '*' },
    {
      key: { kind: 'ApiKey', tenant: o.tenant, project: '', name },
      labels: {
        [SESSION_LABEL]: 'true',
        [USER_LABEL]: o.user,
        ...(o.provider ? { [SSO_LABEL]: o.provider } : {}),
      },
      spec: { user: o.user, description: o.description, expiresAt },
      status: { keyHash: hashSecret(secret), ...owner },
    },
    { name: o.actor, ...(o.requestId ? { requestId: o.requestId } : {}) },
  );
  return { token: formatToken(o.tenant, name, secret), name, expiresAt, user: o.user, tenant: o.tenant };
}
