import { keyExpiry, tenantPolicy } from '../auth/tenant-policy.js';
import { isDateTime, type Issue, type Resource } from '@strata/api';
import { listAll, type AccessScope, type ResourceRepository } from '@strata/store';
import type { Principal } from '../auth/principal.js';
import type { PrincipalLoader } from '../auth/principal-loader.js';
import { allPermissions, requireCovers } from '../auth/escalation.js';
import { checkMembers, checkSubjects, type SubjectRef } from '../auth/identity-refs.js';

/** Per-kind checks that need the store: references to other objects, and fields with rules beyond the schema. */
export interface RuleContext {
  store: ResourceRepository;
  scope: AccessScope;
  principal: Principal;
  project: string | undefined;
  /** The stored object when updating. */
  previous?: Resource | undefined;
  /** Loads other users' permissions (for the escalation checks). */
  principals: PrincipalLoader;
}

type Rule = (ctx: RuleContext, spec: Record<string, unknown>) => Promise<Issue[]>;

async function exists(ctx: RuleContext, kind: string, name: string, project = ''): Promise<boolean> {
  const key = { kind, tenant: ctx.scope.tenant, project, name };
  return (await ctx.store.get({ tenant: ctx.scope.tenant, projects: '*' }, key)) !== undefined;
}

const roleBinding: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  const role = await ctx.store.get(
    { tenant: ctx.scope.tenant, projects: '*' },
    { kind: 'Role', tenant: ctx.scope.tenant, project: '', name: String(spec.role) },
  );
  if (role)
    requireCovers(
      ctx.principal,
      ctx.project,
      (role.spec.permissions as string[] | undefined) ?? [],
      `bind role "${String(spec.role)}"`,
    );
  if (!role) {
    issues.push({
      path: '/spec/role',
      message: `role "${String(spec.role)}" does not exist`,
      code: 'STRATA_REFERENCE_NOT_FOUND',
    });
  }
  const subjects = (spec.subjects as SubjectRef[] | undefined) ?? [];
  issues.push(...(await checkSubjects(ctx.store, ctx.scope.tenant, subjects)).issues);
  return issues;
};

/**
 * Changing who is in a team changes who holds what the team's bindings grant: the caller must hold every
 * permission of every role bound to the team, at each binding's scope (as if it bound each member itself).
 */
async function requireCoversTeamBindings(ctx: RuleContext, team: Resource): Promise<void> {
  const scope = { tenant: ctx.scope.tenant, projects: '*' as const };
  const bindings = await listAll(ctx.store, scope, { kind: 'RoleBinding' });
  for (const b of bindings) {
    const subjects = (b.spec.subjects as { kind: string; uid?: string }[] | undefined) ?? [];
    if (!subjects.some((s) => s.kind === 'Team' && s.uid === team.metadata.uid)) continue;
    const role = await ctx.store.get(scope, {
      kind: 'Role',
      tenant: ctx.scope.tenant,
      project: '',
      name: String(b.spec.role),
    });
    requireCovers(
      ctx.principal,
      b.metadata.project || undefined,
      (role?.spec.permissions as string[] | undefined) ?? [],
      `change the members of team "${team.metadata.name}" (bound to role "${String(b.spec.role)}")`,
    );
  }
}

function sameMembers(a: unknown, b: unknown): boolean {
  const set = (v: unknown) => [...new Set((v as string[] | undefined) ?? [])].sort().join('\n');
  return set(a) === set(b);
}

const team: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  if (ctx.previous && !sameMembers(ctx.previous.spec.members, spec.members)) {
    await requireCoversTeamBindings(ctx, ctx.previous);
  }
  const members = (spec.members as string[] | undefined) ?? [];
  issues.push(...(await checkMembers(ctx.store, ctx.scope.tenant, members)).issues);
  return issues;
};

/** Acting for another user (their keys, their password) needs every permission they hold. */
async function requireCoversUser(ctx: RuleContext, user: string, what: string): Promise<void> {
  if (user === ctx.principal.name) return;
  const target = await ctx.principals.loadByName(ctx.scope.tenant, user);
  requireCovers(ctx.principal, undefined, allPermissions(target), what);
}

const role: Rule = async (ctx, spec) => {
  requireCovers(
    ctx.principal,
    undefined,
    (spec.permissions as string[] | undefined) ?? [],
    'define this role',
  );
  if (ctx.previous) {
    // Changing a role changes what everyone bound to it may do: the old permissions must be held too.
    requireCovers(
      ctx.principal,
      undefined,
      (ctx.previous.spec.permissions as string[] | undefined) ?? [],
      'change this role',
    );
  }
  return [];
};

const user: Rule = async (ctx) => {
  if (ctx.previous)
    await requireCoversUser(ctx, ctx.previous.metadata.name, `change user "${ctx.previous.metadata.name}"`);
  return [];
};

const apiKey: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  const user = typeof spec.user === 'string' ? spec.user : ctx.principal.name;
  await requireCoversUser(ctx, user, `create or change API keys of "${user}"`);
  if (ctx.previous && ctx.previous.spec.user !== user) {
    issues.push({ path: '/spec/user', message: 'the owner of an API key cannot change' });
  } else if (!ctx.previous && !(await exists(ctx, 'User', user))) {
    issues.push({
      path: '/spec/user',
      message: `user "${user}" does not exist`,
      code: 'STRATA_REFERENCE_NOT_FOUND',
    });
  }
  const expiresAt = spec.expiresAt;
  if (typeof expiresAt === 'string') {
    if (!isDateTime(expiresAt))
      issues.push({ path: '/spec/expiresAt', message: 'must be an RFC 3339 date-time' });
    else if (!ctx.previous && Date.parse(expiresAt) <= Date.now()) {
      issues.push({ path: '/spec/expiresAt', message: 'must be in the future' });
    }
  }
  if (!ctx.previous && typeof expiresAt === 'string' && isDateTime(expiresAt)) {
    const policy = await tenantPolicy(ctx.store, ctx.principal.tenant);
    const { tooLate } = keyExpiry(policy, expiresAt, Date.now());
    if (tooLate)
      issues.push({
        path: '/spec/expiresAt',
        message: `API keys of this tenant live at most ${policy.apiKeyMaxLifetimeDays} days: expire by ${tooLate}`,
      });
  }
  const before = ctx.previous?.spec.expiresAt;
  if (ctx.previous && before !== spec.expiresAt) {
    const later =
      typeof before === 'string' &&
      (typeof spec.expiresAt !== 'string' || Date.parse(spec.expiresAt) > Date.parse(before));
    if (later)
      issues.push({
        path: '/spec/expiresAt',
        message: 'an API key’s expiry can only be brought forward, never removed or extended',
      });
  }
  if (ctx.previous?.spec.revoked === true && spec.revoked !== true) {
    issues.push({ path: '/spec/revoked', message: 'a revoked key cannot be reinstated; create a new key' });
  }
  return issues;
};

const RULES: Record<string, Rule> = {
  RoleBinding: roleBinding,
  Role: role,
  User: user,
  Team: team,
  ApiKey: apiKey,
};

export async function checkKindRules(
  kind: string,
  ctx: RuleContext,
  spec: Record<string, unknown>,
): Promise<Issue[]> {
  const rule = RULES[kind];
  return rule ? rule(ctx, spec) : [];
}
