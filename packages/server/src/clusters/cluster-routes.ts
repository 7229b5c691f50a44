/**
 * Cluster actions beyond create/read/update/delete, registered here: upgrade a profile, scale a pool, approve a
 * repave, read events; plan a change (cluster-plan-route.ts); the kubeconfig, the agent manifest and the agent token
 * (cluster-access-routes.ts); generate a profile from what the agent discovered (generate-profile-route.ts).
 */
import { validationError, type ClusterSpec } from '@strata/api';
import { listAll } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { involvedSelector } from '../controllers/events.js';
import { authorize } from '../resources/access.js';
import { registerClusterAccessRoutes } from './cluster-access-routes.js';
import { planClusterUpdate, registerClusterPlanRoute } from './cluster-plan-route.js';
import {
  CLUSTER_TAGS as tags,
  CLUSTER_URL as base,
  clusterTarget as target,
  type ClusterParams as Params,
  type ClusterRoutesOptions,
} from './cluster-route-options.js';
import { registerGenerateProfileRoute } from './generate-profile-route.js';
import { approveRepave } from './repave-approval.js';

export type { ClusterRoutesOptions } from './cluster-route-options.js';

const UpgradeBody = {
  type: 'object',
  required: ['profile', 'version'],
  additionalProperties: false,
  properties: {
    profile: { type: 'string', description: 'name of an attached profile' },
    version: { type: 'string', description: 'the published version to move to' },
    dryRun: { type: 'boolean', description: 'only return the plan' },
  },
} as const;
const ScaleBody = {
  type: 'object',
  required: ['pool', 'count'],
  additionalProperties: false,
  properties: {
    pool: { type: 'string' },
    count: { type: 'integer', minimum: 0, maximum: 1000 },
  },
} as const;

/**
 * An action that changes the spec: the cluster as read, authorized for `verb`, a copy of its spec to change, and
 * `write`, which stores the changed copy over the version read (a change made meanwhile is a 409, not lost).
 */
async function specChange(o: ClusterRoutesOptions, req: FastifyRequest<{ Params: Params }>, verb: string) {
  const ctx = o.context(req);
  const current = await o.service.get(ctx, target(req), req.params.name);
  authorize(ctx.principal, target(req), verb);
  const spec = structuredClone(current.spec) as unknown as ClusterSpec;
  const write = () =>
    o.service.update(ctx, target(req), req.params.name, {
      metadata: {
        name: current.metadata.name,
        labels: current.metadata.labels,
        annotations: current.metadata.annotations,
        resourceVersion: current.metadata.resourceVersion,
      },
      spec,
    });
  return { ctx, current, spec, write };
}

export function registerClusterRoutes(app: FastifyInstance, o: ClusterRoutesOptions): void {
  registerClusterPlanRoute(app, o);

  app.post<{ Params: Params; Body: { profile: string; version: string; dryRun?: boolean } }>(
    `${base}/upgrade`,
    { schema: { tags, summary: 'Move an attached profile to another published version', body: UpgradeBody } },
    async (req) => {
      const { ctx, current, spec, write } = await specChange(o, req, 'upgrade');
      const index = (spec.profiles ?? []).findIndex((p) => p.name === req.body.profile);
      if (index < 0) {
        throw validationError([
          {
            path: '/profile',
            message: `profile "${req.body.profile}" is not attached to cluster "${req.params.name}"; attached: ${(spec.profiles ?? []).map((p) => p.name).join(', ') || 'none'}`,
          },
        ]);
      }
      spec.profiles![index]!.version = req.body.version;
      const {
        stack: _stack,
        secrets: _secrets,
        systemReads: _reads,
        ...result
      } = await planClusterUpdate(o, ctx, target(req), current, spec);
      if (req.body.dryRun) return result;
      const cluster = await write();
      return { plan: result.plan, cluster };
    },
  );

  app.post<{ Params: Params; Body: { pool: string; count: number } }>(
    `${base}/scale`,
    { schema: { tags, summary: 'Set the node count of one pool (within its min/max)', body: ScaleBody } },
    async (req) => {
      const { spec, write } = await specChange(o, req, 'scale');
      const pool = spec.nodePools.find((p) => p.name === req.body.pool);
      if (!pool) {
        throw validationError([
          {
            path: '/pool',
            message: `cluster "${req.params.name}" has no node pool "${req.body.pool}"; pools: ${spec.nodePools.map((p) => p.name).join(', ')}`,
          },
        ]);
      }
      pool.count = req.body.count;
      return write();
    },
  );

  app.post<{ Params: Params }>(
    `${base}/approve-repave`,
    { schema: { tags, summary: 'Approve the repave the cluster is waiting for (sets spec.repaveApproval)' } },
    async (req) => approveRepave(o.service, o.context(req), target(req), req.params.name),
  );

  registerClusterAccessRoutes(app, o);
  registerGenerateProfileRoute(app, o);

  app.get<{ Params: Params }>(
    `${base}/events`,
    { schema: { tags, summary: 'Events of this cluster, newest first' } },
    async (req) => {
      const ctx = o.context(req);
      await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, { kind: target(req).kind, project: req.params.project }, 'get');
      const events = await listAll(
        o.store,
        { tenant: ctx.principal.tenant, projects: '*' },
        {
          kind: 'Event',
          project: req.params.project,
          labelSelector: involvedSelector('Cluster', req.params.name),
        },
      );
      const items = events
        .filter((e) => {
          const inv = e.spec.involvedObject as { kind?: string; name?: string } | undefined;
          return inv?.kind === 'Cluster' && inv.name === req.params.name;
        })
        .sort((a, b) => String(b.spec.lastSeen).localeCompare(String(a.spec.lastSeen)));
      return { items };
    },
  );
}
