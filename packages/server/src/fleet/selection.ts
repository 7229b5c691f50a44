/**
 * Which clusters a ClusterGroup or a Rollout's target selects, as they are now. A project-scoped group or rollout
 * selects in its project; a tenant-scoped one in every project (a group may list the projects it covers).
 */
import {
  FINISHED_ROLLOUT_PHASES,
  type Issue,
  type Resource,
  type RolloutSpec,
  type RolloutStatus,
} from '@strata/api';
import {
  listAll,
  matchesLabelSelector,
  parseLabelSelector,
  type LabelRequirement,
  type ResourceRepository,
} from '@strata/store';
import { boundedSelector } from '../resources/list-selector.js';

export interface Selection {
  requirements: LabelRequirement[];
  /** Clusters by id (`project/name`) instead of labels. */
  ids?: ReadonlySet<string>;
  /** Only these projects (undefined: every project the scope allows). */
  projects?: readonly string[];
}

/** The selector's requirements, or the issue with its path. */
export function parseSelector(text: string, path: string): LabelRequirement[] | Issue {
  try {
    const parsed = boundedSelector(text);
    if (parsed.length === 0)
      return { path, message: 'must select something: an empty selector would select every cluster' };
    return parsed;
  } catch (err) {
    return { path, message: (err as Error).message };
  }
}

/** A group by name: the project's first, then the tenant's. */
export async function findGroup(
  store: ResourceRepository,
  tenant: string,
  project: string | undefined,
  name: string,
): Promise<Resource | undefined> {
  for (const p of project ? [project, ''] : ['']) {
    const found = await store.get(
      { tenant, projects: '*' },
      { kind: 'ClusterGroup', tenant, project: p, name },
    );
    if (found && !found.metadata.deletedAt) return found;
  }
  return undefined;
}

/** The selection of a group's spec. */
export function groupSelection(group: Resource): Selection {
  const spec = group.spec as { selector: string; projects?: string[] };
  return {
    requirements: parseLabelSelector(spec.selector),
    ...(spec.projects ? { projects: spec.projects } : {}),
  };
}

/** A rollout target's selection, or the issues (unknown group, bad selector or names, not exactly one way). */
export async function targetSelection(
  store: ResourceRepository,
  tenant: string,
  project: string | undefined,
  target: RolloutSpec['target'],
): Promise<Selection | Issue[]> {
  const given = [target.group, target.selector, target.clusters].filter((x) => x !== undefined).length;
  if (given !== 1) {
    return [{ path: '/spec/target', message: 'give exactly one of group, selector or clusters' }];
  }
  if (target.clusters) return clustersSelection(target.clusters, project);
  if (target.selector !== undefined) {
    const parsed = parseSelector(target.selector, '/spec/target/selector');
    return Array.isArray(parsed) ? { requirements: parsed } : [parsed];
  }
  const group = await findGroup(store, tenant, project, target.group!);
  if (!group) {
    const where = project ? `project "${project}" or the tenant` : 'the tenant';
    return [{ path: '/spec/target/group', message: `ClusterGroup "${target.group}" not found in ${where}` }];
  }
  return groupSelection(group);
}

/** Clusters by name: `NAME` in a project, `PROJECT/NAME` at tenant scope. */
function clustersSelection(names: readonly string[], project: string | undefined): Selection | Issue[] {
  const issues: Issue[] = [];
  const ids = names.map((n, i) => {
    const slash = n.indexOf('/');
    if (project && slash >= 0 && n.slice(0, slash) !== project) {
      issues.push({
        path: `/spec/target/clusters/${i}`,
        message: `not in this rollout's project "${project}"`,
      });
    }
    if (!project && slash < 0) {
      issues.push({
        path: `/spec/target/clusters/${i}`,
        message: 'a tenant rollout names clusters as PROJECT/NAME',
      });
    }
    return slash >= 0 ? n : `${project}/${n}`;
  });
  return issues.length > 0 ? issues : { requirements: [], ids: new Set(ids) };
}

/**
 * The clusters a selection matches now (not those being deleted), in `project` or across the tenant. Labels are
 * matched here, not in SQL: a fleet selector usually matches most clusters, and on PostgreSQL the label subqueries
 * made each page of a 10,000-cluster list scan them all (seconds; the plain list takes a fraction of that).
 */
export async function selectClusters(
  store: ResourceRepository,
  tenant: string,
  project: string | undefined,
  selection: Selection,
): Promise<Resource[]> {
  const items = await listAll(
    store,
    { tenant, projects: project ? [project] : '*' },
    { kind: 'Cluster', ...(project ? { project } : {}) },
  );
  const projects = selection.projects ? new Set(selection.projects) : undefined;
  const ids = selection.ids;
  return items.filter(
    (c) =>
      !c.metadata.deletedAt &&
      (!projects || projects.has(c.metadata.project ?? '')) &&
      (!ids || ids.has(clusterId({ project: c.metadata.project, name: c.metadata.name }))) &&
      matchesLabelSelector(c.metadata.labels, selection.requirements),
  );
}

export const clusterId = (c: { project?: string | undefined; name: string }) =>
  `${c.project ?? ''}/${c.name}`;

/**
 * The clusters other unfinished rollouts of the tenant hold: those in their status once started, those their
 * target selects before. By cluster id, the rollout's name. With `except` (a rollout taking its clusters), only
 * rollouts created before it count: of two created at once, the older gets the clusters, not neither.
 */
export async function heldClusters(
  store: ResourceRepository,
  tenant: string,
  except: { project: string; name: string; createdAt?: string } | undefined,
): Promise<Map<string, string>> {
  const held = new Map<string, string>();
  const rollouts = await listAll(store, { tenant, projects: '*' }, { kind: 'Rollout' });
  for (const r of rollouts) {
    const project = r.metadata.project ?? '';
    if (except && except.project === project && except.name === r.metadata.name) continue;
    if (except?.createdAt && younger(r, except)) continue;
    const status = r.status as RolloutStatus;
    if (
      r.metadata.deletedAt ||
      (r.spec as { aborted?: boolean }).aborted ||
      (status.phase !== undefined && FINISHED_ROLLOUT_PHASES.includes(status.phase))
    )
      continue;
    const label = project ? `${project}/${r.metadata.name}` : r.metadata.name;
    if (status.clusters) {
      for (const c of status.clusters) if (c.state !== 'Skipped') held.set(clusterId(c), label);
      continue;
    }
    const spec = r.spec as unknown as RolloutSpec;
    const selection = await targetSelection(store, tenant, project || undefined, spec.target);
    if (Array.isArray(selection)) continue;
    for (const c of await selectClusters(store, tenant, project || undefined, selection)) {
      held.set(clusterId({ project: c.metadata.project, name: c.metadata.name }), label);
    }
  }
  return held;
}

/** Whether rollout `r` was created after the other (same time: the later name in order). */
function younger(r: Resource, other: { project: string; name: string; createdAt?: string }): boolean {
  const a = r.metadata.createdAt;
  const b = other.createdAt!;
  if (a !== b) return a > b;
  return `${r.metadata.project ?? ''}/${r.metadata.name}` > `${other.project}/${other.name}`;
}
