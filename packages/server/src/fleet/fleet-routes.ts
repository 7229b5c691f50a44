/**
 * Fleet routes beyond create/read/update/delete: a ClusterGroup's live members, and a rollout's plan (what it would
 * do to every cluster, from the same plan code as `strata cluster plan`, before anything changes).
 */
import {
  ClusterGroupKind,
  RolloutKind,
  type ClusterStatus,
  type FleetUpdate,
  type FleetUpdates,
  type GroupMember,
  type Resource,
  type RolloutPlan,
} from '@strata/api';
import { randomBytes } from 'node:crypto';
import { listAll } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { accessScope, can } from '../auth/principal.js';
import type { ClusterRoutesOptions } from '../clusters/cluster-route-options.js';
import { authorize, type Target } from '../resources/access.js';
import { isPlainObject } from '../resources/merge-patch.js';
import { requireProject } from '../resources/project-rules.js';
import type { RequestContext } from '../resources/resource-service.js';
import { registerFleetClustersRoute } from './fleet-clusters.js';
import { planRollout } from './fleet-plan.js';
import { groupSelection, selectClusters } from './selection.js';

type Params = { project?: string; name?: string };

export function registerFleetRoutes(app: FastifyInstance, o: ClusterRoutesOptions): void {
  registerFleetClustersRoute(app, o);
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
