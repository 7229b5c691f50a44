/**
 * `GET /v1/fleet/clusters`: every cluster of the tenant the caller may list, in every project, filtered and paged on
 * the server (the console's all-projects fleet view stays fast with 10,000 clusters: it receives one page of slim
 * rows and the counts for its filters, never the whole fleet).
 */
import {
  ClusterGroupKind,
  type ClusterSpec,
  type ClusterStatus,
  type FleetCluster,
  type FleetClusters,
  type FleetFacets,
  type Resource,
} from '@strata/api';
import { listAll, matchesLabelSelector } from '@strata/store';
import type { FastifyInstance } from 'fastify';
import { accessScope, can } from '../auth/principal.js';
import type { ClusterRoutesOptions } from '../clusters/cluster-route-options.js';
import type { RequestContext } from '../resources/resource-service.js';
import { groupSelection, type Selection } from './selection.js';

export interface FleetFilter {
  project?: string;
  /** A tenant group (`NAME`) or a project's (`PROJECT/NAME`). */
  group?: string;
  provider?: string;
  phase?: string;
  health?: string;
  /** Kubernetes version. */
  version?: string;
  /** Part of the name. */
  q?: string;
  offset?: string;
  limit?: string;
}

const NAME = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
const text = { type: 'string', maxLength: 128 } as const;
/** Rows in one page, at most. */
export const MAX_FLEET_PAGE = 500;

export function registerFleetClustersRoute(app: FastifyInstance, o: ClusterRoutesOptions): void {
  app.get<{ Querystring: FleetFilter }>(
    '/v1/fleet/clusters',
    {
      schema: {
        tags: ['Cluster'],
        summary:
          'Clusters of every project the caller may list, filtered and paged, with the counts for each filter',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            project: { type: 'string', pattern: NAME, maxLength: 63 },
            group: {
              type: 'string',
              pattern: '^([a-z0-9]([-a-z0-9]*[a-z0-9])?/)?[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
            },
            provider: text,
            phase: text,
            health: text,
            version: text,
            q: text,
            offset: { type: 'string', pattern: '^[0-9]{1,7}$' },
            limit: { type: 'string', pattern: '^[0-9]{1,3}$' },
          },
        },
      },
    },
    async (req): Promise<FleetClusters> => fleetClusters(o, o.context(req), req.query),
  );
}

export async function fleetClusters(
  o: ClusterRoutesOptions,
  ctx: RequestContext,
  filter: FleetFilter,
): Promise<FleetClusters> {
  const selection = filter.group ? await groupFilter(o, ctx, filter.group) : undefined;
  const scope = accessScope(ctx.principal);
  const listable = new Map<string, boolean>();
  const mayList = (project: string) => {
    if (!listable.has(project)) {
      listable.set(
        project,
        (scope.projects === '*' || scope.projects.includes(project)) &&
          can(ctx.principal, { kind: 'cluster', verb: 'list', project }),
      );
    }
    return listable.get(project)!;
  };
  const clusters = await listAll(o.store, scope, {
    kind: 'Cluster',
    ...(filter.project ? { project: filter.project } : {}),
  });
  const visible = clusters.filter((c) => mayList(c.metadata.project ?? ''));
  const rows = visible.map(fleetRow);
  const facets = countFacets(rows);
  const q = filter.q?.toLowerCase();
  const matching = rows.filter(
    (r, i) =>
      (!filter.provider || r.provider === filter.provider) &&
      (!filter.phase || r.phase === filter.phase) &&
      (!filter.health || r.health === filter.health) &&
      (!filter.version || r.kubernetesVersion === filter.version) &&
      (!q || r.name.includes(q)) &&
      (!selection || selects(selection, visible[i]!)),
  );
  matching.sort((a, b) => a.project.localeCompare(b.project) || a.name.localeCompare(b.name));
  const offset = Number(filter.offset ?? 0);
  const limit = Math.min(Math.max(Number(filter.limit ?? 100), 1), MAX_FLEET_PAGE);
  return { items: matching.slice(offset, offset + limit), total: matching.length, offset, facets };
}

/** The group's selection; reading the group needs `clustergroup.get` where it lives (404 when it does not exist). */
async function groupFilter(o: ClusterRoutesOptions, ctx: RequestContext, ref: string): Promise<Selection> {
  const slash = ref.indexOf('/');
  const project = slash >= 0 ? ref.slice(0, slash) : undefined;
  const name = slash >= 0 ? ref.slice(slash + 1) : ref;
  const group: Resource = await o.service.get(ctx, { kind: ClusterGroupKind, project }, name);
  const selection = groupSelection(group);
  // A project's group selects in its project only.
  return project ? { ...selection, projects: [project] } : selection;
}

function selects(selection: Selection, cluster: Resource): boolean {
  const project = cluster.metadata.project ?? '';
  return (
    (!selection.projects || selection.projects.includes(project)) &&
    matchesLabelSelector(cluster.metadata.labels, selection.requirements)
  );
}

/** What the view shows of a cluster, the same facts the console's project views compute. */
export function fleetRow(c: Resource): FleetCluster {
  const spec = c.spec as unknown as ClusterSpec;
  const st = c.status as ClusterStatus;
  const agentCondition = st.conditions?.find((x) => x.type === 'AgentConnected')?.status;
  return {
    project: c.metadata.project ?? '',
    name: c.metadata.name,
    provider: spec.provider,
    phase: c.metadata.deletedAt && st.phase !== 'Deleting' ? 'Deleting' : (st.phase ?? 'Pending'),
    health: st.health ?? 'Unknown',
    kubernetesVersion: st.kubernetesVersion ?? 'unknown',
    profiles: (spec.profiles ?? []).map((p) => `${p.name}@${p.version}`),
    labels: c.metadata.labels,
    agentDisconnected:
      st.agent?.connected === false || (st.agent !== undefined && agentCondition === 'False'),
    updatesAvailable: (st.updatesAvailable?.length ?? 0) > 0,
  };
}

const FACETS = ['project', 'provider', 'phase', 'health', 'kubernetesVersion'] as const;

function countFacets(rows: readonly FleetCluster[]): FleetFacets {
  const counts = FACETS.map(() => new Map<string, number>());
  for (const r of rows) FACETS.forEach((key, i) => counts[i]!.set(r[key], (counts[i]!.get(r[key]) ?? 0) + 1));
  const [project, provider, phase, health, kubernetesVersion] = counts.map((m) => Object.fromEntries(m));
  return {
    project: project!,
    provider: provider!,
    phase: phase!,
    health: health!,
    kubernetesVersion: kubernetesVersion!,
  };
}
