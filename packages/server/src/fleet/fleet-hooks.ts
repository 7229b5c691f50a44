/**
 * Validation of ClusterGroups and Rollouts beyond their schemas: selectors that parse and select something, a
 * target version that exists and is published, a caller who may change every selected cluster, no cluster held by
 * another unfinished rollout, and the one-way switches (abort, rollback) and the fixed change of a started rollout.
 */
import { StrataError, type Issue, type Maintenance, type Resource, type RolloutSpec } from '@strata/api';
import { maintenanceIssues } from './maintenance.js';
import { can } from '../auth/principal.js';
import type { HookContext, HookInput, KindHooks } from '../resources/kind-hooks.js';
import { findProfile } from '../clusters/resolve-cluster.js';
import { isPublished } from '../profiles/profile-hooks.js';
import { clusterId, heldClusters, parseSelector, selectClusters, targetSelection } from './selection.js';

export function clusterGroupHooks(): KindHooks {
  return {
    validate(ctx, input) {
      const spec = input.spec as { selector: string; projects?: string[]; maintenance?: Maintenance };
      const issues: Issue[] = [];
      if (spec.maintenance)
        issues.push(...maintenanceIssues(spec.maintenance, '/spec/maintenance', new Date()));
      const parsed = parseSelector(spec.selector, '/spec/selector');
      if (!Array.isArray(parsed)) issues.push(parsed);
      if (spec.projects && ctx.project) {
        issues.push({ path: '/spec/projects', message: 'only a tenant-scoped group lists projects' });
      }
      return Promise.resolve(issues);
    },
  };
}

export function rolloutHooks(): KindHooks {
  return {
    async validate(ctx, input, previous) {
      const spec = input.spec as unknown as RolloutSpec;
      const issues = [...shapeIssues(spec), ...(previous ? changeIssues(spec, previous) : [])];
      // A started rollout's target and change are fixed (checked above): pause, abort and rollback need no more.
      if (previous) return issues;
      const selection = await targetSelection(ctx.store, ctx.principal.tenant, ctx.project, spec.target);
      if (Array.isArray(selection)) {
        // The version is checked where a project rollout's clusters find it; a bad target hides nothing else.
        if (spec.change.profile) issues.push(...(await versionIssues(ctx, spec, [ctx.project ?? ''])));
        return [...issues, ...selection];
      }
      const clusters = await selectClusters(ctx.store, ctx.principal.tenant, ctx.project, selection);
      if (spec.change.profile) {
        // Where the selected clusters find it: their projects' profiles, then the tenant's.
        const projects = ctx.project
          ? [ctx.project]
          : [...new Set(clusters.map((c) => c.metadata.project ?? ''))];
        issues.push(...(await versionIssues(ctx, spec, projects)));
      }
      if (issues.length > 0) return issues;
      const missing = missingClusters(spec, ctx.project, clusters);
      if (missing.length > 0) return missing;
      if (clusters.length === 0) return [{ path: '/spec/target', message: 'selects no clusters' }];
      mayChangeAll(ctx, clusters);
      await refuseHeld(ctx, input, clusters);
      return [];
    },
    guardUpdate(previous, input) {
      const before = previous.spec as unknown as RolloutSpec;
      const after = input.spec as unknown as RolloutSpec;
      if (before.aborted && !after.aborted) {
        throw new StrataError(
          'STRATA_CONFLICT',
          `rollout "${previous.metadata.name}" was aborted; that cannot be undone`,
        );
      }
      if (before.rollback && !after.rollback) {
        throw new StrataError(
          'STRATA_CONFLICT',
          `rollout "${previous.metadata.name}" is rolling back; that cannot be undone`,
        );
      }
    },
  };
}

function shapeIssues(spec: RolloutSpec): Issue[] {
  const issues: Issue[] = [];
  const c = spec.change;
  if (!c.profile && !c.removeProfile && !c.kubernetesVersion && !c.policy) {
    issues.push({
      path: '/spec/change',
      message: 'give at least one of profile, removeProfile, kubernetesVersion, policy',
    });
  }
  if (c.profile && c.removeProfile === c.profile.name) {
    issues.push({
      path: '/spec/change/removeProfile',
      message: `cannot attach and remove "${c.profile.name}" at once`,
    });
  }
  const order = spec.strategy?.order;
  if (order?.by === 'label' && !order.label) {
    issues.push({ path: '/spec/strategy/order/label', message: 'name the label to order by' });
  }
  const canary = spec.strategy?.canary;
  if (canary && canary.count === undefined && canary.clusters === undefined) {
    issues.push({ path: '/spec/strategy/canary', message: 'give count or clusters' });
  }
  if (spec.rollback && spec.aborted) {
    issues.push({
      path: '/spec/rollback',
      message: 'an aborted rollout cannot roll back; roll back before aborting',
    });
  }
  return issues;
}

/** What a rollout changes and whom it targets are fixed once it exists: a new change is a new rollout. */
function changeIssues(spec: RolloutSpec, previous: Resource): Issue[] {
  const before = previous.spec as unknown as RolloutSpec;
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const issues: Issue[] = [];
  if (!same(before.target, spec.target))
    issues.push({ path: '/spec/target', message: 'cannot change once created; create a new rollout' });
  if (!same(before.change, spec.change))
    issues.push({ path: '/spec/change', message: 'cannot change once created; create a new rollout' });
  return issues;
}

/** The version must exist (published) where the clusters find it: `change.profile.project`, else in one of `projects`. */
async function versionIssues(
  ctx: HookContext,
  spec: RolloutSpec,
  projects: readonly string[],
): Promise<Issue[]> {
  const { name, version, project } = spec.change.profile!;
  let profile: Resource | undefined;
  for (const p of project ? [project] : projects.length > 0 ? projects : ['']) {
    profile = await findProfile(
      ctx.store,
      { tenant: ctx.principal.tenant, project: p, name: '', uid: '' },
      name,
      version,
    );
    if (profile) break;
  }
  const path = '/spec/change/profile/version';
  if (!profile) return [{ path, message: `ClusterProfile "${name}" version ${version} not found` }];
  if (!isPublished(profile))
    return [{ path, message: `ClusterProfile "${name}" version ${version} is a draft; publish it first` }];
  return [];
}

/** A rollout changes clusters: its author must be allowed to change each of them. */
function mayChangeAll(ctx: HookContext, clusters: readonly Resource[]): void {
  const projects = new Set(clusters.map((c) => c.metadata.project ?? ''));
  for (const project of projects) {
    if (!can(ctx.principal, { kind: 'cluster', verb: 'update', project })) {
      throw new StrataError(
        'STRATA_FORBIDDEN',
        `the rollout would change clusters in project "${project}", where you may not update clusters (cluster.update)`,
      );
    }
  }
}

async function refuseHeld(ctx: HookContext, input: HookInput, clusters: readonly Resource[]): Promise<void> {
  const held = await heldClusters(ctx.store, ctx.principal.tenant, {
    project: ctx.project ?? '',
    name: input.metadata.name,
  });
  const clashes = clusters
    .map((c) => ({
      id: clusterId({ project: c.metadata.project, name: c.metadata.name }),
      name: c.metadata.name,
    }))
    .filter((c) => held.has(c.id));
  if (clashes.length === 0) return;
  const other = held.get(clashes[0]!.id)!;
  const names = clashes
    .slice(0, 5)
    .map((c) => c.name)
    .join(', ');
  const more = clashes.length > 5 ? ` and ${clashes.length - 5} more` : '';
  throw new StrataError(
    'STRATA_CONFLICT',
    `clusters ${names}${more} belong to rollout "${other}", which has not finished; a cluster is in at most one active rollout`,
    clashes
      .slice(0, 20)
      .map((c) => ({ path: '/spec/target', message: `${c.name} is in rollout "${other}"` })),
  );
}

/** Named clusters (`target.clusters`) that do not exist. */
function missingClusters(
  spec: RolloutSpec,
  project: string | undefined,
  found: readonly Resource[],
): Issue[] {
  const ids = new Set(found.map((c) => clusterId({ project: c.metadata.project, name: c.metadata.name })));
  return (spec.target.clusters ?? []).flatMap((n, i) =>
    ids.has(n.includes('/') ? n : `${project}/${n}`)
      ? []
      : [{ path: `/spec/target/clusters/${i}`, message: `no cluster "${n}"` }],
  );
}
