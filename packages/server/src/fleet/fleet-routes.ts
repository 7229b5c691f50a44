/**
 * Fleet routes beyond create/read/update/delete: a ClusterGroup's live members, and a rollout's plan (what it would
 * do to every cluster, from the same plan code as `strata cluster plan`, before anything changes).
 */
import {
  ClusterGroupKind,
  ClusterKind,
  RolloutKind,
  StrataError,
  type ClusterSpec,
  type ClusterStatus,
  type FleetUpdate,
  type FleetUpdates,
  type GroupMember,
  type PlanOutcome,
  type Resource,
  type RolloutPlan,
  type RolloutPlanCluster,
  type RolloutSpec,
} from '@strata/api';
import { randomBytes } from 'node:crypto';
import { listAll } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessScope, can } from '../auth/principal.js';
import type { ClusterRoutesOptions } from '../clusters/cluster-route-options.js';
import { planClusterUpdate } from '../clusters/cluster-plan-route.js';
import { startStatus } from '../controllers/rollout/rollout-status.js';
import { authorize, type Target } from '../resources/access.js';
import { isPlainObject } from '../resources/merge-patch.js';
import { requireProject } from '../resources/project-rules.js';
import type { RequestContext } from '../resources/resource-service.js';
import { effectiveMaintenance, windowState } from './maintenance.js';
import { applyChange, specPart } from './rollout-change.js';
import { groupSelection, heldClusters, selectClusters, targetSelection } from './selection.js';

type Params = { project?: string; name?: string };

export function registerFleetRoutes(app: FastifyInstance, o: ClusterRoutesOptions): void {
  app.get<{ Querystring: { project?: string } }>(
    '/v1/fleet/updates',
    {
      schema: {
        tags: ['Rollout'],
        summary:
          'Clusters on outdated profile versions, grouped by profile and version (those the caller may list)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            project: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 63 },
          },
        },
      },
    },
    async (req): Promise<FleetUpdates> => fleetUpdates(o, o.context(req), req.query.project),
  );
  for (const prefix of ['/v1', '/v1/projects/:project']) {
    app.get<{ Params: Params }>(
      `${prefix}/clustergroups/:name/members`,
      {
        schema: {
          tags: ['ClusterGroup'],
          summary: 'The clusters the group selects now (those the caller may list)',
        },
      },
      async (req) => {
        const ctx = o.context(req);
        const group = await o.service.get(ctx, groupTarget(req), req.params.name!);
        const items = await members(o, ctx, group);
        return { items, count: items.length };
      },
    );
    app.post<{ Params: Params; Body: Record<string, unknown> }>(
      `${prefix}/rollouts/plan`,
      {
        schema: {
          tags: ['Rollout'],
          summary: 'What a rollout would do, per cluster and batch, grouped by outcome; stores nothing',
          body: { type: 'object', description: 'the proposed Rollout' },
        },
      },
      async (req): Promise<RolloutPlan> => {
        const ctx = o.context(req);
        const target: Target = { kind: RolloutKind, project: req.params.project };
        authorize(ctx.principal, target, 'plan');
        await requireProject(o.store, ctx.principal, req.params.project);
        const body = req.body;
        const metadata = isPlainObject(body.metadata) ? body.metadata : {};
        const name =
          typeof metadata.name === 'string' ? metadata.name : `plan-${randomBytes(4).toString('hex')}`;
        // Every check a create would run (schema, target, version, permissions, conflicts); nothing is stored.
        const proposed = await o.service.create(
          ctx,
          target,
          { ...body, metadata: { ...metadata, name } },
          { dryRun: true },
        );
        return planRollout(o, ctx, proposed);
      },
    );
  }
}

const groupTarget = (req: FastifyRequest<{ Params: Params }>): Target => ({
  kind: ClusterGroupKind,
  project: req.params.project,
});

async function members(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  group: Resource,
): Promise<GroupMember[]> {
  const selection = groupSelection(group);
  const project = group.metadata.project || undefined;
  const scope = accessScope(ctx.principal);
  const clusters = await selectClusters(o.store, ctx.principal.tenant, project, selection);
  return clusters
    .filter((c) => {
      const p = c.metadata.project ?? '';
      return (
        (scope.projects === '*' || scope.projects.includes(p)) &&
        can(ctx.principal, { kind: 'cluster', verb: 'list', project: p })
      );
    })
    .map((c) => {
      const st = c.status as ClusterStatus;
      return {
        project: c.metadata.project ?? '',
        name: c.metadata.name,
        ...(st.phase ? { phase: st.phase } : {}),
        ...(st.health ? { health: st.health } : {}),
        labels: c.metadata.labels,
      };
    });
}

/** Concurrent plans at a time: each resolves two stacks. */
const PLAN_CONCURRENCY = 16;

export async function planRollout(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  rollout: Resource,
): Promise<RolloutPlan> {
  const spec = rollout.spec as unknown as RolloutSpec;
  const tenant = ctx.principal.tenant;
  const project = rollout.metadata.project || undefined;
  const selection = await targetSelection(o.store, tenant, project, spec.target);
  if (Array.isArray(selection))
    throw new StrataError('STRATA_VALIDATION_FAILED', 'the target is not valid', selection);
  const selected = await selectClusters(o.store, tenant, project, selection);
  const held = await heldClusters(o.store, tenant, undefined);
  const start = startStatus({ spec, selected, held, now: new Date() });
  const byId = new Map(selected.map((c) => [`${c.metadata.project ?? ''}/${c.metadata.name}`, c]));
  const entries = start.clusters ?? [];
  const out: RolloutPlanCluster[] = new Array<RolloutPlanCluster>(entries.length);
  let next = 0;
  const work = async () => {
    while (next < entries.length) {
      const i = next++;
      const e = entries[i]!;
      if (e.state === 'Skipped') {
        out[i] = {
          project: e.project,
          name: e.name,
          batch: -1,
          outcome: 'skip',
          reason: e.reason!,
          message: e.message ?? '',
        };
        continue;
      }
      out[i] = await planOne(o, ctx, byId.get(`${e.project}/${e.name}`)!, spec, e.batch);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PLAN_CONCURRENCY, entries.length) }, work));
  const summary: Record<PlanOutcome, number> = { change: 0, skip: 0, blocked: 0 };
  for (const c of out) summary[c.outcome]++;
  return {
    batches: (start.batches ?? []).map((b) => ({ name: b.name, clusters: b.clusters })),
    clusters: out,
    summary,
  };
}

async function planOne(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  cluster: Resource,
  spec: RolloutSpec,
  batch: number,
): Promise<RolloutPlanCluster> {
  const project = cluster.metadata.project ?? '';
  const base = { project, name: cluster.metadata.name, batch };
  const target: Target = { kind: ClusterKind, project };
  try {
    const current = await o.service.get(ctx, target, cluster.metadata.name);
    const currentSpec = current.spec as unknown as ClusterSpec;
    const wanted = applyChange(specPart(currentSpec), spec.change);
    const proposed: Record<string, unknown> = { ...currentSpec, ...wanted };
    for (const k of ['profiles', 'kubernetesVersion', 'policy'] as const)
      if (wanted[k] === undefined) delete proposed[k];
    const { plan } = await planClusterUpdate(o, ctx, target, current, proposed);
    const layers = plan.layers;
    const window = plan.repave.length > 0 ? await maintenanceWindow(o, cluster) : undefined;
    return {
      ...base,
      outcome: 'change',
      ...(layers
        ? {
            layers: {
              added: layers.added.map((l) => `${l.profile}/${l.name}`),
              removed: layers.removed.map((l) => `${l.profile}/${l.name}`),
              changed: layers.changed.map((l) => `${l.profile}/${l.name}`),
            },
          }
        : {}),
      repave: plan.repave,
      approvalRequired: plan.approvalRequired,
      ...(plan.kubernetesVersion ? { kubernetesVersion: plan.kubernetesVersion } : {}),
      ...(window ? { window } : {}),
    };
  } catch (err) {
    if (!(err instanceof StrataError) || err.code !== 'STRATA_VALIDATION_FAILED') throw err;
    const message = err.issues?.map((i) => `${i.path}: ${i.message}`).join('; ') || err.message;
    return { ...base, outcome: 'blocked', reason: 'Refused', message };
  }
}

/** Where now is in the windows that apply to the cluster, if any. */
async function maintenanceWindow(
  o: ClusterRoutesOptions,
  cluster: Resource,
): Promise<RolloutPlanCluster['window']> {
  const found = await effectiveMaintenance(o.store, cluster);
  if (!found) return undefined;
  const state = windowState(found.maintenance, new Date());
  return {
    open: state.open,
    source: found.source,
    ...(state.next ? { next: state.next.toISOString() } : {}),
  };
}

/** Every visible cluster's `status.updatesAvailable`, grouped by profile, current version and newest version. */
async function fleetUpdates(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  project: string | undefined,
): Promise<FleetUpdates> {
  const scope = accessScope(ctx.principal);
  const clusters = await listAll(o.store, scope, { kind: 'Cluster', ...(project ? { project } : {}) });
  const groups = new Map<string, FleetUpdate>();
  for (const c of clusters) {
    const p = c.metadata.project ?? '';
    if (c.metadata.deletedAt || !can(ctx.principal, { kind: 'cluster', verb: 'list', project: p })) continue;
    for (const u of (c.status as ClusterStatus).updatesAvailable ?? []) {
      const key = `${u.profile}\n${u.from}\n${u.to}`;
      const g = groups.get(key) ?? { profile: u.profile, from: u.from, to: u.to, clusters: [], count: 0 };
      g.clusters.push({ project: p, name: c.metadata.name });
      g.count++;
      groups.set(key, g);
    }
  }
  return {
    items: [...groups.values()].sort((a, b) => b.count - a.count || a.profile.localeCompare(b.profile)),
  };
}
