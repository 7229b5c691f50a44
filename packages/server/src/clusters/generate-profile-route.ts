/**
 * `POST .../clusters/NAME/generate-profile` (import): a draft ClusterProfile describing what the cluster's agent
 * discovered — Helm releases, OS, Kubernetes, CNI, CSI — plus, optionally, selected workloads as manifest layers.
 * The server cannot reach every imported cluster (manifest-connected ones only dial out), so selected objects are
 * read by the cluster's agent, asked through the long poll (agent-requests.ts), with the agent's credentials.
 */
import {
  ClusterKind,
  ClusterProfileKind,
  MAX_SELECTED_OBJECTS,
  StrataError,
  validationError,
  type AgentObjectRef,
  type ClusterDiscovery,
  type DiscoveredWorkload,
  type GenerateProfileRequest,
  type Issue,
  type SelectedObject,
  objectItem,
} from '@strata/api';
import { generateProfile, type KubeObject } from '@strata/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { authorize, type Target } from '../resources/access.js';
import { isPlainObject } from '../resources/merge-patch.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import type { ClusterAgents } from '../agent-gateway/cluster-agents.js';

export interface GenerateProfileRouteOptions {
  service: ResourceService;
  catalogs: TenantCatalogs;
  agents: ClusterAgents;
  context: (req: FastifyRequest) => RequestContext;
}

/** How long the route waits for the agent to read the selected objects, by default. */
export const READ_OBJECTS_WAIT_SECONDS = 30;

const Query = {
  type: 'object',
  additionalProperties: false,
  properties: {
    readWaitSeconds: {
      type: 'string',
      pattern: '^[0-9]{1,2}$',
      description: 'how long to wait for the agent to read the selected objects (1–60, default 30)',
    },
  },
} as const;

const name = { type: 'string', minLength: 1, maxLength: 253 } as const;
const Body = {
  type: 'object',
  required: ['name', 'version'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    version: { type: 'string' },
    objects: {
      type: 'array',
      maxItems: MAX_SELECTED_OBJECTS,
      description: 'discovered workloads (status.discovery.workloads) to copy into manifest layers',
      items: {
        type: 'object',
        required: ['kind', 'name'],
        additionalProperties: false,
        properties: { apiVersion: name, kind: name, namespace: name, name },
      },
    },
  },
} as const;

const sameObject = (a: SelectedObject | AgentObjectRef, b: SelectedObject | AgentObjectRef): boolean =>
  a.kind === b.kind &&
  a.name === b.name &&
  (a.namespace ?? '') === (b.namespace ?? '') &&
  (a.apiVersion === undefined || b.apiVersion === undefined || a.apiVersion === b.apiVersion);

/**
 * The discovered workloads `selected` names, each once; every selection that names none (or several: the same kind
 * in two API groups, without apiVersion) is an issue at its index. Only discovered workloads can be selected: they
 * are what the user saw, and never Secrets or objects Helm or another object owns.
 */
export function resolveSelection(
  workloads: readonly DiscoveredWorkload[],
  selected: readonly SelectedObject[],
): { refs: AgentObjectRef[]; issues: Issue[] } {
  const refs: AgentObjectRef[] = [];
  const issues: Issue[] = [];
  selected.forEach((s, i) => {
    const found = workloads.filter((w) => sameObject(w, s));
    if (found.length === 1) {
      const w = found[0]!;
      const ref: AgentObjectRef = {
        apiVersion: w.apiVersion,
        kind: w.kind,
        ...(w.namespace ? { namespace: w.namespace } : {}),
        name: w.name,
      };
      if (!refs.some((r) => sameObject(r, ref))) refs.push(ref);
    } else if (found.length === 0) {
      issues.push({
        path: `/objects/${i}`,
        message: `${objectItem(s)} is not among the workloads the agent discovered (status.discovery.workloads: objects no Helm release or other object owns, outside the system namespaces, never Secrets)`,
      });
    } else {
      issues.push({
        path: `/objects/${i}`,
        message: `${objectItem(s)} names ${found.length} discovered workloads (${found.map((w) => w.apiVersion).join(', ')}): give apiVersion`,
      });
    }
  });
  return { refs, issues };
}

export function registerGenerateProfileRoute(app: FastifyInstance, o: GenerateProfileRouteOptions): void {
  const target = (req: { params: { project: string } }): Target => ({
    kind: ClusterKind,
    project: req.params.project,
  });
  app.post<{
    Params: { project: string; name: string };
    Body: GenerateProfileRequest;
    Querystring: { readWaitSeconds?: string };
  }>(
    '/v1/projects/:project/clusters/:name/generate-profile',
    {
      schema: {
        tags: ['Cluster'],
        summary:
          'A draft ClusterProfile describing what the agent discovered (Helm releases, OS, Kubernetes, CNI, CSI, selected workloads)',
        body: Body,
        querystring: Query,
      },
    },
    async (req, reply) => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, target(req), 'generate-profile');
      const discovery = current.status.discovery as ClusterDiscovery | undefined;
      if (!discovery) {
        throw new StrataError(
          'STRATA_CONFLICT',
          `cluster "${req.params.name}" has no discovery report yet; its agent sends one shortly after it connects`,
        );
      }
      const { refs, issues } = resolveSelection(discovery.workloads, req.body.objects ?? []);
      if (issues.length > 0) throw validationError(issues);

      let objects: KubeObject[] = [];
      const unread: { item: string; reason: string }[] = [];
      if (refs.length > 0) {
        const abort = new AbortController();
        reply.raw.once('close', () => abort.abort());
        const outcome = await o.agents.readObjects(current.metadata.uid, refs, {
          timeoutMs:
            Math.min(Math.max(Number(req.query.readWaitSeconds ?? READ_OBJECTS_WAIT_SECONDS), 1), 60) * 1000,
          signal: abort.signal,
        });
        if ('unavailable' in outcome) {
          throw new StrataError(
            'STRATA_CONFLICT',
            `cannot read the selected objects of cluster "${req.params.name}": ${outcome.unavailable}; generate without objects, or again once the agent is connected`,
          );
        }
        // Only what was asked for: an agent cannot slip other objects into the profile.
        objects = outcome.read.objects.filter((x): x is KubeObject => {
          const ref = refOfObject(x);
          return ref !== undefined && refs.some((r) => sameObject(r, ref));
        });
        for (const m of outcome.read.missing) unread.push({ item: objectItem(m.object), reason: m.reason });
      }

      const generated = generateProfile({
        discovery,
        catalog: await o.catalogs.get(current.metadata.tenant),
        name: req.body.name,
        version: req.body.version,
        objects,
      });
      const profile = await o.service.create(
        ctx,
        { kind: ClusterProfileKind, project: req.params.project },
        {
          ...generated.profile,
          metadata: {
            ...generated.profile.metadata,
            annotations: { 'strata.dev/generated-from': `cluster/${req.params.name}` },
          },
        },
      );
      return reply
        .code(201)
        .send({ profile, matched: generated.matched, unmatched: [...generated.unmatched, ...unread] });
    },
  );
}

function refOfObject(x: unknown): AgentObjectRef | undefined {
  if (!isPlainObject(x) || !isPlainObject(x.metadata)) return undefined;
  const { apiVersion, kind } = x;
  const { name, namespace } = x.metadata;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string')
    return undefined;
  return { apiVersion, kind, name, ...(typeof namespace === 'string' && namespace ? { namespace } : {}) };
}
