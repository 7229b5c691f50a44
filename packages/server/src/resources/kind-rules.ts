import { isDateTime, type Issue, type Resource } from '@strata/api';
import type { AccessScope, ResourceRepository } from '@strata/store';
import type { Principal } from '../auth/principal.js';

/** Per-kind checks that need the store: references to other objects, and fields with rules beyond the schema. */
export interface RuleContext {
  store: ResourceRepository;
  scope: AccessScope;
  principal: Principal;
  project: string | undefined;
  /** The stored object when updating. */
  previous?: Resource | undefined;
}

type Rule = (ctx: RuleContext, spec: Record<string, unknown>) => Promise<Issue[]>;

async function exists(ctx: RuleContext, kind: string, name: string, project = ''): Promise<boolean> {
  const key = { kind, tenant: ctx.scope.tenant, project, name };
  return (await ctx.store.get({ tenant: ctx.scope.tenant, projects: '*' }, key)) !== undefined;
}

const roleBinding: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  if (!(await exists(ctx, 'Role', String(spec.role)))) {
    issues.push({
      path: '/spec/role',
      message: `role "${String(spec.role)}" does not exist`,
      code: 'STRATA_REFERENCE_NOT_FOUND',
    });
  }
  const subjects = (spec.subjects as { kind: string; name: string }[] | undefined) ?? [];
  for (const [i, s] of subjects.entries()) {
    if (!(await exists(ctx, s.kind, s.name))) {
      issues.push({
        path: `/spec/subjects/${i}/name`,
        message: `${s.kind} "${s.name}" does not exist`,
        code: 'STRATA_REFERENCE_NOT_FOUND',
      });
    }
  }
  return issues;
};

const team: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  for (const [i, m] of ((spec.members as string[] | undefined) ?? []).entries()) {
    if (!(await exists(ctx, 'User', m))) {
      issues.push({
        path: `/spec/members/${i}`,
        message: `user "${m}" does not exist`,
        code: 'STRATA_REFERENCE_NOT_FOUND',
      });
    }
  }
  return issues;
};

const apiKey: Rule = async (ctx, spec) => {
  const issues: Issue[] = [];
  const user = typeof spec.user === 'string' ? spec.user : ctx.principal.name;
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
  if (ctx.previous?.spec.revoked === true && spec.revoked !== true) {
    issues.push({ path: '/spec/revoked', message: 'a revoked key cannot be reinstated; create a new key' });
  }
  return issues;
};

const RULES: Record<string, Rule> = { RoleBinding: roleBinding, Team: team, ApiKey: apiKey };

export async function checkKindRules(
  kind: string,
  ctx: RuleContext,
  spec: Record<string, unknown>,
): Promise<Issue[]> {
  const rule = RULES[kind];
  return rule ? rule(ctx, spec) : [];
}
