import { createHash, randomBytes } from 'node:crypto';
import { StrataError, type Resource } from '@strata/api';
import type { ResourceRepository, SsoRepository } from '@strata/store';
import type { SecretCipher } from '../resources/secret-fields.js';
import { hashPassword } from './passwords.js';

/** The team whose members administer a tenant named at onboarding (users, or an IdP group mapped to it). */
export const ADMINS_TEAM = 'admins';
const LINK_TTL_MS = 7 * 24 * 3600_000;

export interface OnboardingOptions {
  store: ResourceRepository;
  cipher: SecretCipher;
  /** Where one-time password-set links are kept (absent: no link is made). */
  links?: SsoRepository;
}

export type Onboarded = {
  /** The one-time token the first administrator sets its password with (POST /v1/password-set), shown once. */
  adminPasswordToken?: string;
};

/**
 * A new tenant's first administrator (`spec.admin`, read once): the team `admins` bound to `tenant-admin`, with the
 * named local user in it (no password yet: a one-time link sets it, valid 7 days) and/or the named IdP group mapped
 * to it at every sign-in.
 */
export async function onboardTenant(o: OnboardingOptions, tenant: Resource): Promise<Onboarded> {
  const admin = tenant.spec.admin as
    | { user?: string; email?: string; group?: string; sso?: { provider: string; subject: string } }
    | undefined;
  if (!admin || (!admin.user && !admin.group)) return {};
  const name = tenant.metadata.name;
  const scope = { tenant: name, projects: '*' as const };
  const actor = { name: 'system:onboarding' };
  const at = (kind: string, n: string) => ({ kind, tenant: name, project: '', name: n });
  const members: string[] = [];
  const memberUids: string[] = [];
  if (admin.user) {
    const user = await o.store.create(
      scope,
      {
        key: at('User', admin.user),
        spec: {
          displayName: 'Administrator',
          ...(admin.email ? { email: admin.email } : {}),
          ...(admin.sso ? { sso: admin.sso } : {}),
        },
      },
      actor,
    );
    members.push(user.metadata.name);
    memberUids.push(user.metadata.uid);
  }
  const team = await o.store.create(
    scope,
    {
      key: at('Team', ADMINS_TEAM),
      spec: { description: 'Administrators of the tenant (named when it was created)', members, memberUids },
    },
    actor,
  );
  await o.store.create(
    scope,
    {
      key: at('RoleBinding', 'admins-tenant-admin'),
      spec: { role: 'tenant-admin', subjects: [{ kind: 'Team', name: ADMINS_TEAM, uid: team.metadata.uid }] },
    },
    actor,
  );
  // A user linked to an IdP subject signs in there: no password.
  if (!admin.user || admin.sso || !o.links) return {};
  const token = randomBytes(32).toString('base64url');
  await o.links.create(
    {
      id: digest(token),
      kind: 'password',
      tenant: name,
      provider: '',
      data: o.cipher.encrypt(JSON.stringify({ user: admin.user })),
    },
    LINK_TTL_MS,
  );
  return { adminPasswordToken: `${name}.${token}` };
}

const digest = (s: string) => createHash('sha256').update(s).digest('base64url');

/** Uses a one-time password-set token (`TENANT.SECRET`): sets the user's password, once. */
export async function setPasswordWithToken(
  o: OnboardingOptions & { links: SsoRepository },
  input: { token: string; password: string },
): Promise<{ tenant: string; user: string }> {
  const denied = new StrataError('STRATA_UNAUTHENTICATED', 'this password link is unknown, used or expired');
  const dot = input.token.indexOf('.');
  if (dot < 1) throw denied;
  const tenant = input.token.slice(0, dot);
  const row = await o.links.take(digest(input.token.slice(dot + 1)), 'password');
  if (!row || row.tenant !== tenant) throw denied;
  const { user } = JSON.parse(o.cipher.decrypt(row.data)) as { user: string };
  const scope = { tenant, projects: '*' as const };
  const key = { kind: 'User', tenant, project: '', name: user };
  const stored = await o.store.get(scope, key);
  if (!stored || stored.metadata.deletedAt) throw denied;
  await o.store.update(
    scope,
    { key, spec: { ...stored.spec, password: await hashPassword(input.password) } },
    { name: user },
  );
  return { tenant, user };
}
