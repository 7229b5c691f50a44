import { StrataError, type Resource } from '@strata/api';
import { listAll, type ResourceRepository } from '@strata/store';
import type { ProviderSettings } from './oidc-config.js';

/** Who the IdP says signed in, read from the claims the provider's settings name. */
export interface SsoIdentity {
  subject: string;
  username: string;
  email?: string;
  groups: string[];
}

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_GROUPS = 1000;

function refused(message: string): StrataError {
  return new StrataError('STRATA_UNAUTHENTICATED', `single sign-on refused: ${message}`);
}

/**
 * A Strata user name from a claim value: an e-mail address or UPN gives its local part; lowercase; any character
 * but a-z, 0-9 and "-" becomes "-"; at most 63. Two IdP users that give the same name are told apart by their link
 * (provider + subject): the second is refused, never merged.
 */
export function userName(raw: string): string | undefined {
  const local = raw.includes('@') ? raw.slice(0, raw.indexOf('@')) : raw;
  const name = local
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63)
    .replace(/^-+|-+$/g, '');
  return NAME.test(name) ? name : undefined;
}

/**
 * The identity in verified claims. A username that is not a valid Strata name, or a groups claim that is not a list
 * of strings, is refused with a message naming the claim: nothing is created from it.
 */
export function identityFromClaims(claims: Record<string, unknown>, s: ProviderSettings): SsoIdentity {
  const subject = claims.sub;
  if (typeof subject !== 'string' || subject === '') throw refused('the ID token has no subject (sub)');
  const raw = claims[s.claims.username];
  if (typeof raw !== 'string' || raw === '')
    throw refused(`the claim "${s.claims.username}" (the user name) is missing`);
  const username = userName(raw);
  if (!username)
    throw refused(
      `the claim "${s.claims.username}" is "${raw.slice(0, 80)}", which gives no valid user name; choose another claim in the identity provider's settings`,
    );
  const email = claims[s.claims.email];
  const rawGroups = claims[s.claims.groups];
  let groups: string[] = [];
  if (rawGroups !== undefined) {
    if (!Array.isArray(rawGroups) || !rawGroups.every((g) => typeof g === 'string'))
      throw refused(`the claim "${s.claims.groups}" (the groups) is not a list of strings`);
    if (rawGroups.length > MAX_GROUPS)
      throw refused(`the claim "${s.claims.groups}" lists more than ${MAX_GROUPS} groups`);
    groups = rawGroups;
  }
  return {
    subject,
    username,
    ...(typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email) && email.length <= 254 ? { email } : {}),
    groups,
  };
}

export interface ProvisionOptions {
  store: ResourceRepository;
  settings: ProviderSettings;
  identity: SsoIdentity;
  requestId?: string;
}

/**
 * Finds or creates (just in time) the user an identity signs in as, then makes its team memberships follow its
 * groups: for every team named in the provider's group mappings, the user is a member exactly when one of its groups
 * maps to that team (teams are created when first needed). Teams no mapping names are left alone.
 * Returns the user's name. A user of that name that is linked to another provider or subject, or is a local user
 * without a link, is never taken over.
 */
export async function provisionUser(o: ProvisionOptions): Promise<Resource> {
  const { store, settings, identity } = o;
  const tenant = settings.tenant;
  const scope = { tenant, projects: '*' as const };
  const actor = { name: `system:sso/${settings.name}`, ...(o.requestId ? { requestId: o.requestId } : {}) };
  const key = { kind: 'User', tenant, project: '', name: identity.username };
  const link = { provider: settings.name, subject: identity.subject };
  let user = await store.get(scope, key);
  if (user) {
    const existing = user.spec.sso as { provider?: string; subject?: string } | undefined;
    if (existing?.provider !== link.provider || existing.subject !== link.subject)
      throw refused(
        `user "${identity.username}" already exists and is not linked to this identity (${settings.name}); an admin can link it by setting spec.sso`,
      );
    if (user.spec.disabled === true || user.metadata.deletedAt)
      throw refused(`user "${identity.username}" is disabled`);
    if (identity.email && user.spec.email !== identity.email)
      user = await store.update(
        scope,
        {
          key,
          expectedResourceVersion: user.metadata.resourceVersion,
          spec: { ...user.spec, email: identity.email },
        },
        actor,
      );
  } else {
    user = await store.create(
      scope,
      { key, spec: { sso: link, ...(identity.email ? { email: identity.email } : {}) } },
      actor,
    );
  }
  await syncTeams(store, settings, identity, user, actor);
  return user;
}

async function syncTeams(
  store: ResourceRepository,
  settings: ProviderSettings,
  identity: SsoIdentity,
  user: Resource,
  actor: { name: string; requestId?: string },
): Promise<void> {
  const tenant = settings.tenant;
  const scope = { tenant, projects: '*' as const };
  const groups = new Set(identity.groups);
  const wanted = new Map<string, boolean>();
  for (const m of settings.groupMappings)
    wanted.set(m.team, (wanted.get(m.team) ?? false) || groups.has(m.group));
  for (let attempt = 1; ; attempt++) {
    try {
      const teams = new Map((await listAll(store, scope, { kind: 'Team' })).map((t) => [t.metadata.name, t]));
      for (const [team, member] of wanted) {
        const t = teams.get(team);
        if (!t) {
          if (member)
            await store.create(
              scope,
              {
                key: { kind: 'Team', tenant, project: '', name: team },
                spec: {
                  description: `members of mapped groups of identity provider ${settings.name}`,
                  members: [user.metadata.name],
                  memberUids: [user.metadata.uid],
                },
              },
              actor,
            );
          continue;
        }
        const members = (t.spec.members as string[] | undefined) ?? [];
        const uids = (t.spec.memberUids as string[] | undefined) ?? [];
        const has = uids.includes(user.metadata.uid);
        if (has === member) continue;
        const spec = member
          ? {
              ...t.spec,
              members: [...members.filter((m) => m !== user.metadata.name), user.metadata.name],
              memberUids: [...uids, user.metadata.uid],
            }
          : {
              ...t.spec,
              members: members.filter((m) => m !== user.metadata.name),
              memberUids: uids.filter((u) => u !== user.metadata.uid),
            };
        await store.update(
          scope,
          {
            key: { kind: 'Team', tenant, project: '', name: team },
            expectedResourceVersion: t.metadata.resourceVersion,
            spec,
          },
          actor,
        );
      }
      return;
    } catch (err) {
      const code = (err as { code?: string }).code;
      // Another sign-in changed the same team at the same moment: read again and redo.
      if ((code !== 'STRATA_CONFLICT' && code !== 'STRATA_ALREADY_EXISTS') || attempt >= 5) throw err;
    }
  }
}
