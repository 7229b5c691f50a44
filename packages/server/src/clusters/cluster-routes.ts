/**
 * Cluster actions beyond create/read/update/delete: plan a change, upgrade a profile, scale a pool, approve a
 * repave, get the admin kubeconfig (audited), render the agent manifest, rotate the agent token, read events;
 * generate a profile from what the agent discovered (import) is in generate-profile-route.ts.
 */
import { ClusterKind, StrataError, validationError, type ClusterSpec, type Resource } from '@strata/api';
import {
  IMPORTED_PROVIDER,
  maskJson,
  planClusterChange,
  type ClusterPlan,
  type ResolvedStack,
} from '@strata/core';
import type { ProviderCluster } from '@strata/provider-sdk';
import { listAll, type ResourceRepository } from '@strata/store';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TenantCatalogs } from '../catalog/tenant-catalog.js';
import { authorize, type Target } from '../resources/access.js';
import { isPlainObject } from '../resources/merge-patch.js';
import type { RequestContext, ResourceService } from '../resources/resource-service.js';
import type { SecretCipher } from '../resources/secret-fields.js';
import { renderAgentManifest } from './agent-manifest.js';
import type { ClusterAgents } from './cluster-agents.js';
import { agentMode, clusterInfrastructureName, refuseProviderRunAgent, statusString } from './machine.js';
import type { ProviderRegistry } from './provider-registry.js';
import { involvedSelector } from '../controllers/events.js';
import { resolveCluster } from './resolve-cluster.js';
import { revealGivenVariables, revealStoredVariables } from './sealed-variables.js';
import { registerGenerateProfileRoute } from './generate-profile-route.js';
import { approveRepave } from './repave-approval.js';

export interface ClusterRoutesOptions {
  service: ResourceService;
  store: ResourceRepository;
  /** Reveals sealed variables to resolve stacks (never for responses). */
  cipher: SecretCipher;
  catalogs: TenantCatalogs;
  providers: ProviderRegistry;
  agents: ClusterAgents;
  context: (req: FastifyRequest) => RequestContext;
  /** The URL agents dial, for rendered manifests. */
  agentServerUrl: () => string;
  onWrite?: (tenant: string) => void;
}

type Params = { project: string; name: string };
const tags = ['Cluster'];
const base = '/v1/projects/:project/clusters/:name';

const PlanBody = {
  type: 'object',
  description: 'The proposed Cluster (or just its spec under `spec`)',
} as const;
const PlanQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    adoptionWaitSeconds: {
      type: 'string',
      pattern: '^[0-9]{1,2}$',
      description:
        'imported clusters: how long to wait for the agent’s adoption preview (0–60, default 20; 0 skips it)',
    },
  },
} as const;
/** How long a plan waits for an imported cluster's agent to answer an adoption preview, by default. */
export const ADOPTION_WAIT_SECONDS = 20;
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

export interface PlanResponse {
  plan: ClusterPlan;
  /** The Cluster as it would be stored. */
  proposed: Resource;
}

/** A plan and the proposed stack (not returned: the plan already shows what changes). */
/** The response, plus the proposed stack and the values of sensitive variables (to mask what is added to it). */
type PlanResult = PlanResponse & { stack?: ResolvedStack; secrets: string[] };

export function registerClusterRoutes(app: FastifyInstance, o: ClusterRoutesOptions): void {
  const target = (req: FastifyRequest<{ Params: Params }>): Target => ({
    kind: ClusterKind,
    project: req.params.project,
  });

  /** Runs every check of an update without storing it, and classifies the change. */
  const plan = async (
    ctx: RequestContext,
    t: Target,
    current: Resource,
    spec: unknown,
  ): Promise<PlanResult> => {
    const body = {
      metadata: {
        name: current.metadata.name,
        labels: current.metadata.labels,
        annotations: current.metadata.annotations,
      },
      spec,
    };
    const proposed = await o.service.update(ctx, t, current.metadata.name, body, undefined, { dryRun: true });
    // Stacks resolve with the real values of sensitive variables: the stored ones (sealed), and those the proposal
    // gives (`********` keeps a stored one). Only masked output leaves this function.
    const stored = await o.store.get(
      { tenant: current.metadata.tenant, projects: '*' },
      {
        kind: ClusterKind.kind,
        tenant: current.metadata.tenant,
        project: current.metadata.project ?? '',
        name: current.metadata.name,
      },
    );
    const storedSpec = stored?.spec ?? current.spec;
    const currentSpec = revealStoredVariables(storedSpec as unknown as ClusterSpec, o.cipher);
    // The proposal as stored shows sealed values as `********`: take the attachments as given.
    const input = isPlainObject(spec) && Array.isArray(spec.profiles) ? { profiles: spec.profiles } : {};
    const proposedSpec = revealGivenVariables(
      { ...(proposed.spec as unknown as ClusterSpec), ...input },
      storedSpec,
      o.cipher,
    ).spec;
    const resolve = (s: ClusterSpec) =>
      resolveCluster({
        store: o.store,
        catalogs: o.catalogs,
        cipher: o.cipher,
        cluster: {
          tenant: current.metadata.tenant,
          project: current.metadata.project ?? '',
          name: current.metadata.name,
          uid: current.metadata.uid,
        },
        spec: withStoredSecrets(s),
        providers: o.providers.names(),
      });
    const [from, to] = await Promise.all([resolve(currentSpec), resolve(proposedSpec)]);
    const result = planClusterChange({
      current: { spec: currentSpec, ...(from.stack ? { stack: from.stack } : {}) },
      proposed: { spec: proposedSpec, ...(to.stack ? { stack: to.stack } : {}) },
    });
    // Values diffs show resolved values: the values of sensitive variables (either side) never leave masked.
    const secrets = [...from.secrets, ...to.secrets];
    return { plan: maskJson(result, secrets), proposed, secrets, ...(to.stack ? { stack: to.stack } : {}) };
  };

  /**
   * Imported clusters with profiles: what the first apply of the proposed stack would do to what already exists,
   * from the cluster's agent (which computes it without writing anything).
   */
  const adoption = async (
    current: Resource,
    proposed: Resource,
    stack: ResolvedStack | undefined,
    waitSeconds: number,
    signal: AbortSignal,
  ): Promise<Pick<ClusterPlan, 'adoption' | 'adoptionUnavailable'>> => {
    const spec = proposed.spec as unknown as ClusterSpec;
    if (spec.provider !== IMPORTED_PROVIDER || (spec.profiles ?? []).length === 0 || !stack) return {};
    if (waitSeconds === 0) return { adoptionUnavailable: 'not asked for (adoptionWaitSeconds=0)' };
    const outcome = await o.agents.preview(current.metadata.uid, stack, {
      timeoutMs: waitSeconds * 1000,
      signal,
    });
    return 'preview' in outcome
      ? { adoption: outcome.preview }
      : { adoptionUnavailable: outcome.unavailable };
  };

  app.post<{ Params: Params; Body: Record<string, unknown>; Querystring: { adoptionWaitSeconds?: string } }>(
    `${base}/plan`,
    {
      schema: {
        tags,
        summary:
          'What a proposed spec would change (layers, pools, repave, approval; imported clusters: what adoption does)',
        body: PlanBody,
        querystring: PlanQuery,
      },
    },
    async (req, reply): Promise<PlanResponse> => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, target(req), 'plan');
      const body = req.body;
      const spec = isPlainObject(body.spec) ? body.spec : body;
      if (
        isPlainObject(body.metadata) &&
        body.metadata.name !== undefined &&
        body.metadata.name !== req.params.name
      ) {
        throw validationError([
          { path: '/metadata/name', message: `must match the name in the URL ("${req.params.name}")` },
        ]);
      }
      const { stack, secrets, ...result } = await plan(ctx, target(req), current, spec);
      const waitSeconds = Math.min(Number(req.query.adoptionWaitSeconds ?? ADOPTION_WAIT_SECONDS), 60);
      const abort = new AbortController();
      // The client went away: stop waiting for the agent.
      reply.raw.once('close', () => abort.abort());
      const adopted = await adoption(current, result.proposed, stack, waitSeconds, abort.signal);
      return { ...result, plan: { ...result.plan, ...maskJson(adopted, secrets) } };
    },
  );

  app.post<{ Params: Params; Body: { profile: string; version: string; dryRun?: boolean } }>(
    `${base}/upgrade`,
    { schema: { tags, summary: 'Move an attached profile to another published version', body: UpgradeBody } },
    async (req) => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, target(req), 'upgrade');
      const spec = structuredClone(current.spec) as unknown as ClusterSpec;
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
      const { stack: _stack, secrets: _secrets, ...result } = await plan(ctx, target(req), current, spec);
      if (req.body.dryRun) return result;
      const cluster = await o.service.update(ctx, target(req), req.params.name, {
        metadata: {
          name: current.metadata.name,
          labels: current.metadata.labels,
          annotations: current.metadata.annotations,
          resourceVersion: current.metadata.resourceVersion,
        },
        spec,
      });
      return { plan: result.plan, cluster };
    },
  );

  app.post<{ Params: Params; Body: { pool: string; count: number } }>(
    `${base}/scale`,
    { schema: { tags, summary: 'Set the node count of one pool (within its min/max)', body: ScaleBody } },
    async (req) => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, target(req), req.params.name);
      authorize(ctx.principal, target(req), 'scale');
      const spec = structuredClone(current.spec) as unknown as ClusterSpec;
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
      return o.service.update(ctx, target(req), req.params.name, {
        metadata: {
          name: current.metadata.name,
          labels: current.metadata.labels,
          annotations: current.metadata.annotations,
          resourceVersion: current.metadata.resourceVersion,
        },
        spec,
      });
    },
  );

  app.post<{ Params: Params }>(
    `${base}/approve-repave`,
    { schema: { tags, summary: 'Approve the repave the cluster is waiting for (sets spec.repaveApproval)' } },
    async (req) => approveRepave(o.service, o.context(req), target(req), req.params.name),
  );

  const kubeconfig = async (req: FastifyRequest<{ Params: Params }>) => {
    const ctx = o.context(req);
    const current = await o.service.get(ctx, target(req), req.params.name);
    authorize(ctx.principal, target(req), 'kubeconfig');
    const provider = o.providers.get(String(current.spec.provider));
    const name = clusterInfrastructureName(current);
    if (!provider || !current.status.endpoint) {
      throw new StrataError(
        'STRATA_CONFLICT',
        `cluster "${req.params.name}" has no control plane yet (phase ${statusString(current, 'phase', 'Pending')})`,
      );
    }
    const text = await provider.kubeconfig(runningCluster(current, name));
    await o.store.recordAccess(
      { tenant: current.metadata.tenant, projects: '*' },
      {
        kind: 'Cluster',
        tenant: current.metadata.tenant,
        project: req.params.project,
        name: req.params.name,
      },
      { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
      'admin kubeconfig',
    );
    return text;
  };
  app.post<{ Params: Params }>(
    `${base}/kubeconfig`,
    { schema: { tags, summary: 'The admin kubeconfig (permission cluster.kubeconfig; audited)' } },
    async (req, reply) =>
      reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(await kubeconfig(req)),
  );
  app.get<{ Params: Params }>(
    `${base}/kubeconfig`,
    { schema: { tags, summary: 'The admin kubeconfig (permission cluster.kubeconfig; audited)' } },
    async (req, reply) =>
      reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(await kubeconfig(req)),
  );

  const issueToken = async (req: FastifyRequest<{ Params: Params }>, verb: string) => {
    const ctx = o.context(req);
    const current = await o.service.get(ctx, target(req), req.params.name);
    authorize(ctx.principal, target(req), verb);
    const token = await o.agents.issueToken({
      clusterUid: current.metadata.uid,
      tenant: current.metadata.tenant,
      project: req.params.project,
      name: req.params.name,
    });
    await o.store.recordAccess(
      { tenant: current.metadata.tenant, projects: '*' },
      {
        kind: 'Cluster',
        tenant: current.metadata.tenant,
        project: req.params.project,
        name: req.params.name,
      },
      { name: ctx.principal.name, ...(ctx.requestId ? { requestId: ctx.requestId } : {}) },
      'agent token issued (the previous one stopped working)',
    );
    return { current, token };
  };

  app.get<{ Params: Params; Querystring: { mode?: 'full' | 'read-only' } }>(
    `${base}/agent-manifest`,
    {
      schema: {
        tags,
        summary:
          'The agent as Kubernetes objects, with a newly issued token (the previous token stops working)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { mode: { type: 'string', enum: ['full', 'read-only'] } },
        },
      },
    },
    async (req, reply) => {
      const ctx = o.context(req);
      const current = await o.service.get(ctx, target(req), req.params.name);
      // Authorized before anything about the cluster is said (its provider runs its own agent or not).
      authorize(ctx.principal, target(req), 'agent-manifest');
      refuseProviderRunAgent(o.providers, current);
      const { token } = await issueToken(req, 'agent-manifest');
      return reply
        .type('application/yaml')
        .header('cache-control', 'no-store')
        .send(renderAgentManifest({ serverUrl: o.agentServerUrl(), token, mode: req.query.mode ?? 'full' }));
    },
  );

  app.post<{ Params: Params }>(
    `${base}/rotate-agent-token`,
    {
      schema: { tags, summary: 'Replace the agent token; the provider restarts its agent with the new one' },
    },
    async (req) => {
      const { current, token } = await issueToken(req, 'rotate-agent-token');
      const provider = o.providers.get(String(current.spec.provider));
      const name = current.status.infrastructureName;
      if (provider?.ensureAgent && typeof name === 'string') {
        await provider.ensureAgent(runningCluster(current, name), {
          serverUrl: o.agentServerUrl(),
          token,
          // The mode the controller runs it in: a read-only imported cluster keeps a read-only agent.
          mode: agentMode(current.spec as unknown as ClusterSpec),
        });
        return { rotated: true, restarted: true };
      }
      return { rotated: true, restarted: false, token };
    },
  );

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

/**
 * A spec as read back (write-only fields left out) made fit for resolving: an imported cluster's kubeconfig is
 * stored, so it counts as given (its content plays no part in the stack).
 */
function withStoredSecrets(spec: ClusterSpec): ClusterSpec {
  return spec.provider === IMPORTED_PROVIDER && spec.kubeconfig === undefined
    ? { ...spec, kubeconfig: '(stored)' }
    : spec;
}

/** The cluster as the provider runs it now (for reads: kubeconfig, agent restarts). */
function runningCluster(cluster: Resource, name: string): ProviderCluster {
  return {
    name,
    spec: cluster.spec as unknown as ClusterSpec,
    kubernetesVersion: statusString(cluster, 'kubernetesVersion', ''),
  };
}
